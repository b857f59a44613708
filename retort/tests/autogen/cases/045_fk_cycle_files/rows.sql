INSERT INTO employees (id, name) VALUES (1, 'Kim');
