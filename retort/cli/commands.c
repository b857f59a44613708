/* placeholder until written */ typedef int rt__placeholder_commands;
