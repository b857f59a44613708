INSERT INTO notes (id, title, code) VALUES (1, 'first', 'xyz');
