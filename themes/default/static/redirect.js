// Redirect pages for aliases: go to the canonical URL, keeping the #fragment so that
// links to a section or paragraph of a moved page still land on it.
(function () {
  var link = document.querySelector('link[rel="canonical"]');
  if (!link) return;
  var target = link.getAttribute("href");
  if (window.location.hash && target.indexOf("#") < 0) target += window.location.hash;
  window.location.replace(target);
})();
