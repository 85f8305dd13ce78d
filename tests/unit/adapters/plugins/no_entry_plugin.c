/* A shared library that is not a tracenet plugin: it lacks the entry function. */
int not_a_tracenet_plugin(void) { return 0; }
