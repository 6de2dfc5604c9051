/* Forms filled on a phone, often in a stairwell with one bar of signal.
 *
 * data-sz-draft on a form: what is typed is kept in this browser (localStorage) as it is typed,
 * put back when the page is opened again with the form empty, and forgotten once the server has
 * taken the form. Only text, choices and selects: never a file, a hidden field (the idempotency
 * key must be new on every page), a password, or a field marked data-sz-nodraft (a contact's
 * name and phone are personal data and stay off the device).
 *
 * data-sz-upload on a form: photos larger than needed are scaled down in the browser (longest
 * side 1600 px, JPEG) before they leave the phone, and the upload shows its progress. The server
 * still checks and re-encodes every photo; without this script the form posts as usual. A failed
 * connection keeps the page and the draft and says so, instead of a browser error page.
 */
(function () {
  "use strict";
  var MAX_SIDE = 1600;
  var QUALITY = 0.85;
  var SMALL_ENOUGH = 1500000; // bytes: a photo already this small and this size is sent as it is

  function draftKey(form) {
    return "sz-draft:" + (form.getAttribute("data-sz-draft") || window.location.pathname);
  }

  function draftFields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !el.disabled && !el.hasAttribute("data-sz-nodraft") &&
        ["file", "hidden", "password", "submit", "button"].indexOf(el.type) < 0;
    });
  }

  function saveDraft(form) {
    var data = {};
    draftFields(form).forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) data[el.name] = el.value;
      } else if (el.value) {
        data[el.name] = el.value;
      }
    });
    try {
      window.localStorage.setItem(draftKey(form), JSON.stringify({ saved: Date.now(), data: data }));
    } catch (e) { /* private mode or full: drafts are a convenience */ }
  }

  function forgetDraft(form) {
    try { window.localStorage.removeItem(draftKey(form)); } catch (e) { /* as above */ }
  }

  function restoreDraft(form) {
    var draft;
    try { draft = JSON.parse(window.localStorage.getItem(draftKey(form)) || "null"); } catch (e) { return; }
    if (!draft || !draft.data) return;
    var fields = draftFields(form);
    // Only into an empty form: a form the server sent back keeps what was sent.
    var typed = fields.some(function (el) {
      return (el.tagName === "TEXTAREA" || el.type === "text" || el.type === "search" || !el.type) && el.value;
    });
    if (typed) return;
    var restored = false;
    fields.forEach(function (el) {
      var value = draft.data[el.name];
      if (value === undefined) return;
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = el.value === value;
      } else {
        el.value = value;
      }
      restored = true;
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
    var note = form.querySelector("[data-sz-draft-note]");
    if (restored && note) note.classList.remove("d-none");
  }

  function scaled(file) {
    if (!/^image\/(jpeg|png|webp)$/.test(file.type) || !window.createImageBitmap) return Promise.resolve(file);
    return window.createImageBitmap(file).then(function (bitmap) {
      var side = Math.max(bitmap.width, bitmap.height);
      if (side <= MAX_SIDE && file.size <= SMALL_ENOUGH) return file;
      var k = Math.min(1, MAX_SIDE / side);
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * k));
      canvas.height = Math.max(1, Math.round(bitmap.height * k));
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) return resolve(file);
          resolve(new File([blob], file.name.replace(/\.[^.]*$/, "") + ".jpg", { type: "image/jpeg" }));
        }, "image/jpeg", QUALITY);
      });
    }).catch(function () { return file; });
  }

  function show(el, on) { if (el) el.classList.toggle("d-none", !on); }

  function upload(form, event) {
    if (!window.FormData || !window.Promise || !window.XMLHttpRequest) return;
    if (form.noValidate === false && !form.checkValidity()) return;
    event.preventDefault();
    var buttons = form.querySelectorAll("button[type=submit], button:not([type])");
    var progress = form.querySelector("[data-sz-progress]");
    var bar = progress && progress.querySelector(".progress-bar");
    var offline = form.querySelector("[data-sz-offline]");
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    show(offline, false);
    var body = new FormData(form);
    if (event.submitter && event.submitter.name) body.append(event.submitter.name, event.submitter.value);
    var inputs = Array.prototype.filter.call(form.querySelectorAll("input[type=file]"), function (i) {
      return i.name && i.files && i.files.length;
    });
    Promise.all(inputs.map(function (input) {
      return Promise.all(Array.prototype.map.call(input.files, scaled));
    })).then(function (lists) {
      inputs.forEach(function (input, n) {
        body.delete(input.name);
        lists[n].forEach(function (f) { body.append(input.name, f, f.name); });
      });
      var target = form.getAttribute("action") ? new URL(form.getAttribute("action"), window.location.href).href
        : window.location.href;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", target);
      show(progress, true);
      xhr.upload.onprogress = function (e) {
        if (!e.lengthComputable || !bar) return;
        var pct = Math.round((100 * e.loaded) / e.total);
        bar.style.width = pct + "%";
        bar.setAttribute("aria-valuenow", String(pct));
        bar.textContent = pct + "%";
      };
      xhr.onload = function () {
        if (xhr.status < 400 && xhr.responseURL && xhr.responseURL.split("#")[0] !== target.split("#")[0]) {
          if (form.hasAttribute("data-sz-draft")) forgetDraft(form);
          window.location.assign(xhr.responseURL);
          return;
        }
        if (xhr.status < 400 && form.hasAttribute("data-sz-draft")) forgetDraft(form);
        // The page itself came back (a refusal naming the field, or the next step): show it as
        // a plain submit would have.
        document.open();
        document.write(xhr.responseText);
        document.close();
      };
      xhr.onerror = xhr.ontimeout = function () {
        show(progress, false);
        show(offline, true);
        if (form.hasAttribute("data-sz-draft")) saveDraft(form);
        Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
      };
      xhr.send(body);
    });
  }

  function wire(root) {
    Array.prototype.forEach.call(root.querySelectorAll("form[data-sz-draft]"), function (form) {
      if (form.hasAttribute("data-sz-wired-draft")) return;
      form.setAttribute("data-sz-wired-draft", "");
      restoreDraft(form);
      var timer = null;
      var later = function () { clearTimeout(timer); timer = setTimeout(function () { saveDraft(form); }, 300); };
      form.addEventListener("input", later);
      form.addEventListener("change", later);
      var clear = form.querySelector("[data-sz-draft-clear]");
      if (clear) clear.addEventListener("click", function () {
        forgetDraft(form);
        form.reset();
        show(form.querySelector("[data-sz-draft-note]"), false);
      });
    });
    Array.prototype.forEach.call(root.querySelectorAll("form[data-sz-upload]"), function (form) {
      if (form.hasAttribute("data-sz-wired-upload")) return;
      form.setAttribute("data-sz-wired-upload", "");
      form.addEventListener("submit", function (event) { upload(form, event); });
    });
  }

  if (window.htmx) {
    window.htmx.onLoad(wire);
  } else {
    document.addEventListener("DOMContentLoaded", function () { wire(document); });
  }
})();
