/* The API documentation page: Swagger UI (shipped locally by
   drf-spectacular-sidecar) reading /api/v1/openapi.json. A static file, not an
   inline script, so the content-security policy stays strict. */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  window.SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    domNode: root,
    deepLinking: true,
    docExpansion: "list",
    defaultModelsExpandDepth: 1,
    defaultModelExpandDepth: 3,
    // Swagger UI would otherwise send the document to an outside validator.
    validatorUrl: null,
    // "Try it out" with a logged-in planner's session: Django wants the token.
    requestInterceptor: function (request) {
      if (request.method && request.method !== "GET") {
        request.headers["X-CSRFToken"] = csrfToken();
      }
      return request;
    },
  });
})();
