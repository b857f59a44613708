INSERT INTO memberships VALUES (1, 10, 'owner');
INSERT INTO memberships VALUES (2, 10, 'member');
