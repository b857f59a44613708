INSERT INTO tags VALUES (1, 'red');
INSERT INTO tags VALUES (2, 'blue');
