"""Rendering a stored game for people: cards (embed-shaped dicts and terminal text), the
score-flow chart and team colours. One module serves Discord, the terminal, the web and
`pinwheel present`; it reads plain data and never touches the database or Discord."""
