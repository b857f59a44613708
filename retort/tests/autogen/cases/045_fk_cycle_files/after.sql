-- retort:file x_emp.sql
CREATE TABLE employees (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    department_id INTEGER REFERENCES departments (id)
);
-- retort:file y_dept.sql
CREATE TABLE departments (
    id INTEGER PRIMARY KEY,
    head_id INTEGER REFERENCES employees (id)
);
