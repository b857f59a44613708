/* placeholder until written */ typedef int rt__placeholder_graph_plan;
