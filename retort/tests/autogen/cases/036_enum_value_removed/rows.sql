INSERT INTO people (id, name, current_mood) VALUES (1, 'Ann', 'sad');
INSERT INTO people (id, name, current_mood) VALUES (2, 'Ben', 'happy');
