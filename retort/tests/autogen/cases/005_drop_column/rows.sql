INSERT INTO users (id, email, name, legacy_code) VALUES (1, 'ada@example.com', 'Ada', 'X1');
INSERT INTO users (id, email, name, legacy_code) VALUES (2, 'bob@example.com', NULL, 'X2');
