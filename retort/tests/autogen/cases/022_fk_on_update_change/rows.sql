INSERT INTO authors VALUES (1, 'Le Guin');
INSERT INTO authors VALUES (2, 'Lem');
INSERT INTO books VALUES (1, 1, 'The Dispossessed');
INSERT INTO books VALUES (2, 2, 'Solaris');
INSERT INTO books VALUES (3, NULL, 'Anonymous');
