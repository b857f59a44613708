INSERT INTO customers VALUES (1, 'c@example.com');
