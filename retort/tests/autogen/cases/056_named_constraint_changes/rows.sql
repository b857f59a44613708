INSERT INTO authors VALUES (1, 'Le Guin');
INSERT INTO authors VALUES (2, 'Lem');
INSERT INTO books VALUES (1, 1, 'The Dispossessed', '978-0060512750');
INSERT INTO books VALUES (2, 2, 'Solaris', NULL);
INSERT INTO books VALUES (3, NULL, 'Anonymous', NULL);
