/*
** main.c: the entitle command's entry point.
*/
#include <gc.h>

#include "cli.h"

int main(int argc, char **argv) {
  GC_INIT();
  return cli_main(argc, argv);
}
