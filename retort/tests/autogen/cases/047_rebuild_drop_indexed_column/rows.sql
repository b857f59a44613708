INSERT INTO owners VALUES (1, 'o1');
INSERT INTO owners VALUES (2, 'o2');
INSERT INTO accounts VALUES (1, 1, 10, 'n1');
INSERT INTO accounts VALUES (2, 2, 20, NULL);
INSERT INTO transfers VALUES (1, 1);
INSERT INTO transfers VALUES (2, 2);
