INSERT INTO customers VALUES (1, 'c@example.com');
INSERT INTO products VALUES (1, 'SKU-1');
INSERT INTO orders VALUES (1, 1, '2024-05-06 07:08:09');
INSERT INTO order_items VALUES (1, 1, 3);
