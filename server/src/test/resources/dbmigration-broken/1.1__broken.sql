CREATE TABLE broken_set_second (id bigint PRIMARY KEY);
INSERT INTO broken_set_second (id) VALUES ('not a number');
