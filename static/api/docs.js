"use strict";
// Swagger UI for /api/v1/docs/. Calls made from the page use the signed-in session, so unsafe ones carry
// the page's CSRF token; a Bearer token entered under "Authorize" needs none.
(function () {
  var root = document.getElementById("swagger-ui");
  var csrfToken = root.getAttribute("data-csrf-token");
  window.SwaggerUIBundle({
    url: root.getAttribute("data-schema-url"),
    dom_id: "#swagger-ui",
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    requestInterceptor: function (request) {
      var method = (request.method || "GET").toUpperCase();
      if (method !== "GET" && method !== "HEAD" && !request.headers.Authorization) {
        request.headers["X-CSRFToken"] = csrfToken;
      }
      return request;
    },
  });
})();
