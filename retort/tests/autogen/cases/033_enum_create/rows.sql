INSERT INTO people (id, name) VALUES (1, 'Ann');
INSERT INTO people (id, name) VALUES (2, 'Ben');
