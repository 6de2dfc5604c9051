// Fill the check-in form with the phone's position when the person allows it; submit either way.
(function () {
  var form = document.getElementById("sz-scan-form");
  if (!form || !navigator.geolocation) return;
  navigator.geolocation.getCurrentPosition(function (pos) {
    document.getElementById("sz-lat").value = pos.coords.latitude.toFixed(6);
    document.getElementById("sz-lng").value = pos.coords.longitude.toFixed(6);
    var note = document.getElementById("sz-geo-note");
    if (note) note.textContent = note.dataset.ok || "✓";
  }, function () {}, { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 });
})();
