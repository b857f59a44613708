CREATE TABLE teams (
    id INTEGER PRIMARY KEY,
    name VARCHAR(80) NOT NULL,
    motto TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX teams_name_idx ON teams (name);
CREATE TABLE players (
    id INTEGER PRIMARY KEY,
    team_id INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    name TEXT NOT NULL
);
CREATE INDEX players_team_idx ON players (team_id);
