CREATE TABLE broken_set_first (id bigint PRIMARY KEY);
