// The arena follows the round being shown: the server sends its state whenever a frame moves.
(function () {
  "use strict";
  var status = document.getElementById("status");
  var board = document.getElementById("board");
  if (!status || !board || !window.EventSource) { return; }
  var prefix = status.getAttribute("data-prefix") || "";

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function render(state) {
    status.textContent = state.live ? "Round " + state.round + " is being played"
      : (state.round ? "Round " + state.round + ": final" : "No games yet");
    board.textContent = "";
    state.games.forEach(function (g) {
      var li = el("li", "game " + (g.final ? "final" : "live"));
      li.setAttribute("data-game", g.game_id);
      [[g.home, g.home_score, "home"], [g.away, g.away_score, "away"]].forEach(function (side) {
        var line = el("div", "line");
        line.appendChild(el("span", "team", side[0]));
        line.appendChild(el("span", "score " + side[2], String(side[1])));
        li.appendChild(line);
      });
      li.appendChild(el("div", "clock", g.clock));
      if (g.markers.length) { li.appendChild(el("div", "markers", g.markers.join(" · "))); }
      if (g.plays.length) {
        var ol = el("ol", "plays");
        g.plays.forEach(function (p) { ol.appendChild(el("li", "", p)); });
        li.appendChild(ol);
      }
      if (g.final) {
        var a = el("a", "", "Box score and play-by-play");
        a.href = prefix + "/games/" + g.game_id;
        li.appendChild(a);
      }
      board.appendChild(li);
    });
  }

  var source = new EventSource(status.getAttribute("data-stream"));
  source.addEventListener("state", function (event) { render(JSON.parse(event.data)); });
})();
