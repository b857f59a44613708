INSERT INTO users (id, email, name) VALUES (1, 'ada@example.com', 'Ada');
INSERT INTO users (id, email, name) VALUES (2, 'bob@example.com', NULL);
INSERT INTO audit_log VALUES (1, 'hello');
