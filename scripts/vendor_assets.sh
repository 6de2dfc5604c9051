#!/bin/sh
# Copy the front-end packages npm installed into static/vendor, where WhiteNoise serves them.
# Source maps go too: the production storage (manifest) refuses a file whose sourceMappingURL
# points at nothing.
set -e
V=shanzhi/static/vendor
rm -rf "$V"; mkdir -p "$V/bootstrap" "$V/bootstrap-icons" "$V/leaflet" "$V/echarts" "$V/htmx" "$V/axe-core"
cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map \
   node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map "$V/bootstrap/"
cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css "$V/bootstrap-icons/"
cp -r node_modules/bootstrap-icons/font/fonts "$V/bootstrap-icons/"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.js.map node_modules/leaflet/dist/leaflet.css "$V/leaflet/"
cp -r node_modules/leaflet/dist/images "$V/leaflet/"
cp node_modules/echarts/dist/echarts.min.js "$V/echarts/"
cp node_modules/htmx.org/dist/htmx.min.js "$V/htmx/"
# axe-core is for the browser tests' accessibility check only; no page loads it.
cp node_modules/axe-core/axe.min.js "$V/axe-core/"
