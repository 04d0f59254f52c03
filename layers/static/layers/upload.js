/* Upload page: read the file first (inspect: CRS, encoding, mapping, preview),
   then upload it with a progress bar and follow the background import. Without
   JavaScript the form posts normally. */
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
  var fileInput = form.querySelector("input[type=file]");
  var status = document.getElementById("upload-status");
  var bar = document.getElementById("upload-progress");
  var inspection = document.getElementById("inspection");
  var texts = {};
  var template = document.getElementById("upload-texts");
  template.content.querySelectorAll("[data-key]").forEach(function (node) {
    texts[node.dataset.key] = node.textContent;
  });
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function say(text) { status.textContent = text; }

  function send(url, data, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open(data ? "POST" : "GET", url);
      xhr.setRequestHeader("X-CSRFToken", csrf);
      xhr.responseType = "json";
      if (onProgress) {
        xhr.upload.addEventListener("progress", function (event) {
          if (event.lengthComputable) { onProgress(event.loaded, event.total); }
        });
      }
      xhr.onload = function () {
        var body = xhr.response || {};
        if (xhr.status >= 200 && xhr.status < 300) { resolve(body); }
        else { reject(body.error ? body.error.message : texts.failed); }
      };
      xhr.onerror = function () { reject(texts.failed); };
      xhr.send(data);
    });
  }

  function fill(list, pairs) {
    list.textContent = "";
    pairs.forEach(function (pair) {
      var dt = document.createElement("dt");
      var dd = document.createElement("dd");
      dt.textContent = pair[0];
      dd.textContent = pair[1];
      list.append(dt, dd);
    });
  }

  function showPlan(plan) {
    inspection.hidden = false;
    fill(document.getElementById("inspection-facts"), [
      [texts.format, plan.format + " · " + plan.source],
      [texts.features, plan.feature_count === null ? "?" : String(plan.feature_count)],
      [texts.crs, "EPSG:" + plan.srid + " — " + plan.srid_name],
      [texts.layers, plan.available.join(", ")]
    ]);
    var encoding = document.getElementById("inspection-encoding");
    if (plan.encoding && plan.encoding.declared !== plan.encoding.detected) {
      encoding.hidden = false;
      encoding.textContent = texts.encoding + ": " + plan.encoding.declared + " → " +
        plan.encoding.detected + (plan.encoding.samples.length ?
          " (« " + plan.encoding.samples[0][0] + " » → « " + plan.encoding.samples[0][1] + " »)" : "");
    } else { encoding.hidden = true; }
    var table = document.getElementById("inspection-preview");
    table.textContent = "";
    var head = table.createTHead().insertRow();
    plan.fields.forEach(function (name) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = name;
      head.append(th);
    });
    var body = table.createTBody();
    plan.preview.forEach(function (row) {
      var tr = body.insertRow();
      plan.fields.forEach(function (name) {
        tr.insertCell().textContent = row[name] === null ? "" : String(row[name]);
      });
    });
    var mapping = form.querySelector("textarea[name=mapping]");
    if (mapping && !mapping.value.trim()) {
      mapping.value = Object.keys(plan.mapping.fields).map(function (target) {
        return target + "=" + plan.mapping.fields[target];
      }).join("\n");
    }
  }

  function formData() {
    var data = new FormData(form);
    data.delete("csrfmiddlewaretoken");
    var mapping = data.get("mapping") || "";
    data.delete("mapping");
    mapping.split("\n").forEach(function (line) {
      if (line.trim()) { data.append("map", line.trim()); }
    });
    data.set("srs", data.get("srs") || "");
    return data;
  }

  fileInput.addEventListener("change", function () {
    if (!fileInput.files.length) { return; }
    form.querySelector("textarea[name=mapping]").value = "";
    say(texts.inspecting);
    send(form.dataset.inspectUrl, formData()).then(function (plan) {
      say("");
      showPlan(plan);
    }, say);
  });

  function follow(job) {
    bar.hidden = false;
    if (job.total) { bar.max = job.total; bar.value = job.done; }
    say(texts.importing + (job.total ? " " + job.done + " / " + job.total : ""));
    if (job.status === "done") {
      window.location = form.dataset.versionUrl.replace("/0/", "/" + job.version.id + "/");
    } else if (job.status === "failed") {
      say(job.error || texts.failed);
    } else {
      window.setTimeout(function () {
        send(form.dataset.importUrl.replace(/0$/, String(job.id))).then(follow, say);
      }, 1000);
    }
  }

  form.addEventListener("submit", function (event) {
    if (!fileInput.files.length) { return; }
    event.preventDefault();
    bar.hidden = false;
    bar.max = 100;
    say(texts.uploading);
    send(form.dataset.uploadUrl, formData(), function (loaded, total) {
      bar.value = Math.round(100 * loaded / total);
    }).then(function (answer) {
      if (answer.status === "draft") {
        window.location = form.dataset.versionUrl.replace("/0/", "/" + answer.id + "/");
      } else { follow(answer); }
    }, say);
  });
}());
