INSERT INTO events VALUES (1, 'login', '2024-01-02 03:04:05', 'a');
INSERT INTO events VALUES (2, 'logout', '2024-01-02 04:05:06', NULL);
