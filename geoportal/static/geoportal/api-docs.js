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
    // Deep links put a link inside each operation's toggle button, an
    // interactive element nested in another that keyboards and screen readers
    // cannot reach reliably (WCAG 4.1.2).
    deepLinking: false,
    docExpansion: "list",
    defaultModelsExpandDepth: 1,
    defaultModelExpandDepth: 3,
    // The highlighter's colours fall under 4.5:1 on its dark background.
    syntaxHighlight: { activated: false },
    // Swagger UI would otherwise send the document to an outside validator.
    validatorUrl: null,
    // "Try it out" with a logged-in planner's session: Django wants the token.
    requestInterceptor: function (request) {
      if (request.method && request.method !== "GET") {
        request.headers["X-CSRFToken"] = csrfToken();
      }
      return request;
    },
    // The servers' list has a visible title but no label of its own.
    onComplete: function () {
      var servers = root.querySelector("select#servers");
      var title = root.querySelector(".servers-title");
      if (servers && title) {
        title.id = "servers-title";
        servers.setAttribute("aria-labelledby", "servers-title");
      }
    },
  });
})();
