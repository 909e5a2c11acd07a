"""The training evaluation report (curriculum ch. 7.4): learners' tracks read from Moodle
(``fetch``), figures computed from them (``aggregate``), written as HTML, CSV and JSON (``render``)."""
