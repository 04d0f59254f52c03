/* Upload page: read the file first (inspect: CRS, encoding, fields), let the
   planner choose which field feeds each target and which category each value
   of the category field becomes, show what the import would make (features,
   rows as stored, a map, the validation report) — all before anything is kept —
   then upload it with a progress bar and follow the background import. Without
   JavaScript the form posts normally (mapping as target=FIELD lines). */
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
  var fileInput = form.querySelector("input[type=file]");
  var status = document.getElementById("upload-status");
  var bar = document.getElementById("upload-progress");
  var inspection = document.getElementById("inspection");
  var submit = form.querySelector("button[type=submit]");
  var unconfirmed = document.getElementById("mapping-unconfirmed");
  var texts = {};
  ["upload-texts", "mapping-texts"].forEach(function (id) {
    document.getElementById(id).content.querySelectorAll("[data-key]").forEach(function (node) {
      texts[node.dataset.key] = node.textContent;
    });
  });
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  // The structured choices replace the free-text mapping of the no-script form.
  var mappingField = form.querySelector(".field-mapping");
  if (mappingField) { mappingField.hidden = true; }

  var plan = null;      // the last inspection's answer
  var choices = null;   // {fields: {target: field or ""}, values: {value: category}}
  var asked = 0;        // inspections asked, so that a late answer is dropped
  var refreshTimer = null;
  var map = null;
  var shapes = null;

  function say(text) { status.textContent = text; }

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

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

  function formData() {
    var data = new FormData(form);
    data.delete("csrfmiddlewaretoken");
    data.delete("mapping");
    if (choices) { data.set("mapping", JSON.stringify(choices)); }
    data.set("srs", data.get("srs") || "");
    return data;
  }

  function fill(list, pairs) {
    list.textContent = "";
    pairs.forEach(function (pair) { list.append(el("dt", pair[0]), el("dd", pair[1])); });
  }

  function categoryLabel(value) {
    var found = plan.categories.filter(function (c) { return c.value === value; })[0];
    return found ? found.label : value;
  }

  function showFacts() {
    fill(document.getElementById("inspection-facts"), [
      [texts.format, plan.format + " · " + plan.source],
      [texts.features, plan.feature_count === null ? "?" : String(plan.feature_count)],
      [texts.crs, "EPSG:" + plan.srid + " — " + plan.srid_name],
      [texts.layers, plan.available.join(", ")]
    ]);
    var encoding = document.getElementById("inspection-encoding");
    // The encoding the file declares (and where) and the one it is read in,
    // said by the server in the page's language; a sample when they differ.
    if (plan.encoding_text) {
      encoding.hidden = false;
      var sample = plan.encoding.declared !== plan.encoding.detected &&
        plan.encoding.samples.length ? plan.encoding.samples[0] : null;
      encoding.textContent = plan.encoding_text +
        (sample ? " (« " + sample[0] + " » → « " + sample[1] + " »)" : "");
    } else { encoding.hidden = true; }
    var table = document.getElementById("inspection-preview");
    table.textContent = "";
    var head = table.createTHead().insertRow();
    plan.fields.forEach(function (name) {
      var th = el("th", name);
      th.scope = "col";
      head.append(th);
    });
    var body = table.createTBody();
    plan.preview.forEach(function (row) {
      var tr = body.insertRow();
      plan.fields.forEach(function (name) {
        tr.insertCell().textContent = row[name] === null ? "" : String(row[name]);
      });
    });
  }

  function samplesText(field) {
    return field ? (plan.field_samples[field] || []).map(String).join(" · ") : "";
  }

  function showFields() {
    document.getElementById("mapping-remembered").hidden = !plan.remembered;
    var body = document.querySelector("#mapping-fields tbody");
    body.textContent = "";
    plan.targets.forEach(function (target) {
      var tr = body.insertRow();
      tr.dataset.target = target.name;
      var th = el("th", target.label);
      th.scope = "row";
      var select = el("select");
      select.name = "map-" + target.name;
      select.setAttribute("aria-label", target.label);
      select.append(new Option(texts.unused, ""));
      plan.fields.forEach(function (field) { select.append(new Option(field, field)); });
      select.value = choices.fields[target.name] || "";
      var origin = plan.mapping.origins[target.name];
      var chosenCell = tr.insertCell();
      tr.prepend(th);
      chosenCell.append(select);
      if (select.value && origin) {
        chosenCell.append(" ", el("span", texts[origin], "badge origin-" + origin));
      }
      if (target.name === "category" && select.value && plan.category_reads.length) {
        chosenCell.append(" ", el("small", texts.alsoread + " " + plan.category_reads.join(", "), "muted"));
      }
      var samples = tr.insertCell();
      samples.className = "samples";
      samples.textContent = samplesText(select.value);
      select.addEventListener("change", function () {
        choices.fields[target.name] = select.value;
        samples.textContent = samplesText(select.value);
        refresh();
      });
    });
  }

  function unconfirmedValues() {
    return plan.category_values.filter(function (value) {
      return !value.recognised && !choices.values[value.value];
    });
  }

  function showConfirmation() {
    var missing = unconfirmedValues().length > 0;
    unconfirmed.hidden = !missing;
    submit.disabled = missing;
  }

  function showValues() {
    var section = document.getElementById("mapping-values-section");
    section.hidden = plan.category_values.length === 0;
    var body = document.querySelector("#mapping-values tbody");
    body.textContent = "";
    plan.category_values.forEach(function (value) {
      var tr = body.insertRow();
      tr.dataset.value = value.value;
      var th = el("th", value.value);
      th.scope = "row";
      tr.append(th);
      tr.insertCell().textContent = String(value.count);
      var select = el("select");
      select.setAttribute("aria-label", value.value);
      if (!value.recognised) {
        tr.className = "unrecognised";
        select.append(new Option(texts.choose, ""));
      }
      plan.categories.forEach(function (category) {
        var label = category.label;
        if (category.value === value.suggestion) { label += " (" + texts.suggested + ")"; }
        select.append(new Option(label, category.value));
      });
      select.value = choices.values[value.value] || value.suggestion || "";
      var cell = tr.insertCell();
      cell.append(select);
      if (!value.recognised) { cell.append(" ", el("span", texts.unrecognised, "badge")); }
      select.addEventListener("change", function () {
        if (!select.value || (select.value === value.suggestion && value.recognised)) {
          delete choices.values[value.value];
        } else {
          choices.values[value.value] = select.value;
        }
        showConfirmation();
        refresh();
      });
    });
    showConfirmation();
  }

  function showMap(features) {
    var element = document.getElementById("outcome-map");
    element.hidden = false;
    if (!map) { map = L.map(element); }
    if (shapes) { shapes.remove(); }
    shapes = L.geoJSON(features, {
      style: { color: "#0b5cad", weight: 1, fillOpacity: 0.15 },
      pointToLayer: function (f, latlng) { return L.circleMarker(latlng, { radius: 5 }); },
      onEachFeature: function (feature, layer) {
        var p = feature.properties || {};
        layer.bindTooltip(el("span", [p.code, categoryLabel(p.category)].filter(Boolean).join(" — ")));
      }
    }).addTo(map);
    map.invalidateSize();
    if (shapes.getBounds().isValid()) { map.fitBounds(shapes.getBounds()); }
  }

  function showOutcome() {
    var outcome = plan.outcome;
    document.getElementById("outcome-later").hidden = Boolean(outcome);
    var summary = document.getElementById("outcome-summary");
    var rows = document.getElementById("outcome-rows");
    var issues = document.getElementById("outcome-issues");
    issues.textContent = "";
    rows.hidden = !outcome;
    if (!outcome) {
      summary.textContent = "";
      if (window.L && plan.first_shapes && plan.first_shapes.features.length) {
        showMap(plan.first_shapes);
      }
      return;
    }
    summary.textContent = texts.features + ": " + outcome.feature_count + " · " +
      texts.errors + ": " + (outcome.report.errors || 0) + " · " +
      texts.warnings + ": " + (outcome.report.warnings || 0);
    var body = rows.tBodies[0];
    body.textContent = "";
    outcome.rows.forEach(function (row) {
      var tr = body.insertRow();
      [row.source_id, row.code, row.label_fr, row.label_ar, categoryLabel(row.category)]
        .forEach(function (value) { tr.insertCell().textContent = value || ""; });
    });
    if (!outcome.report.issues.length) { issues.append(el("li", texts.noissue)); }
    outcome.report.issues.forEach(function (issue) {
      var item = el("li", null, "issue " + issue.severity);
      item.append(el("strong", issue.severity === "error" ? texts.error : texts.warning),
        " " + issue.message);
      issues.append(item);
    });
    if (window.L && outcome.features.features.length) { showMap(outcome.features); }
  }

  function show(answer, first) {
    plan = answer;
    if (first) {
      choices = { fields: {}, values: Object.assign({}, answer.mapping.values) };
      answer.targets.forEach(function (target) {
        choices.fields[target.name] = answer.mapping.fields[target.name] || "";
      });
    }
    inspection.hidden = false;
    showFacts();
    showFields();
    showValues();
    showOutcome();
  }

  function inspect(first) {
    var mine = ++asked;
    say(first ? texts.inspecting : texts.refreshing);
    return send(form.dataset.inspectUrl, formData()).then(function (answer) {
      if (mine !== asked) { return; }
      say("");
      show(answer, first);
    }, function (message) { if (mine === asked) { say(message); } });
  }

  function refresh() {
    window.clearTimeout(refreshTimer);
    refreshTimer = window.setTimeout(function () { inspect(false); }, 300);
  }

  fileInput.addEventListener("change", function () {
    if (!fileInput.files.length) { return; }
    plan = null;
    choices = null;
    submit.disabled = false;
    inspect(true);
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
    if (plan && unconfirmedValues().length) { showConfirmation(); return; }
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
