// Comparison picker: two selects that open the comparison of any two versions. The
// list of links below them is the picker without JavaScript; this script reads the
// available pairs from those links and only then shows the form.
(function () {
  var form = document.getElementById("compare-picker");
  if (!form) return;
  var a = document.getElementById("pick-a");
  var b = document.getElementById("pick-b");
  var message = document.getElementById("pick-message");
  var pairs = {};
  var links = document.querySelectorAll("a[data-a][data-b]");
  for (var i = 0; i < links.length; i++) {
    pairs[links[i].getAttribute("data-a") + "|" + links[i].getAttribute("data-b")] = links[i].getAttribute("href");
  }
  form.hidden = false;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var older = a, newer = b;
    // Options are oldest first: accept the two versions in either order.
    if (a.selectedIndex > b.selectedIndex) { older = b; newer = a; }
    if (older.value === newer.value) {
      message.textContent = "请选择两个不同的版本。";
      return;
    }
    var url = pairs[older.value + "|" + newer.value];
    if (url) {
      window.location.href = url;
    } else {
      message.textContent = "这两个版本之间没有生成对比页，请从下方列表中选择。";
    }
  });
})();
