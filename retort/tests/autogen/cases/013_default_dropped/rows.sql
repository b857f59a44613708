INSERT INTO items (id, qty, status) VALUES (1, 5, 'new');
INSERT INTO items (id, qty, status) VALUES (2, 7, 'done');
