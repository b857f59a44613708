/* placeholder until written */ typedef int rt__placeholder_script_file;
