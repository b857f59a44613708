INSERT INTO teams VALUES (1, 'Reds', 'go');
INSERT INTO teams VALUES (2, 'Blues', 'win');
INSERT INTO players VALUES (1, 1, 'Ann');
INSERT INTO players VALUES (2, 1, 'Ben');
INSERT INTO players VALUES (3, 2, 'Cy');
