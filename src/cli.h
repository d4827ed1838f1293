/*
** cli.h: the entitle command.
*/
#ifndef ENT_CLI_H
#define ENT_CLI_H

/* Exit statuses, one meaning each (doc/exit-status.md). */
enum {
  EXIT_OK = 0,
  EXIT_RULES = 1,     /* errors in a rule file or a program file */
  EXIT_CASE = 2,      /* a case is not valid for the policy */
  EXIT_TESTS = 3,     /* some tests in the language failed */
  EXIT_RECORD = 4,    /* a decision record does not match the program */
  EXIT_USAGE = 64,    /* wrong command line */
  EXIT_IO = 74,       /* a file could not be read or written */
  EXIT_INTERNAL = 70, /* a bug: please report it */
  /* entitle diff only, as diff(1): 1 when some case changed, and so its
     rule or program files' errors have a status of their own. */
  EXIT_DIFF_CHANGED = 1,
  EXIT_DIFF_RULES = 65
};

#include <stdio.h>

struct ent_program;

int cli_main(int argc, char **argv);
/* The usage text after 'msg' (when not NULL); returns EXIT_USAGE. */
int cli_usage(const char *msg);
/* A rule file or a program file, ready to run; NULL with the errors
   printed and the exit status in '*status'. */
struct ent_program *cli_open(const char *path, int *status);
/* All of 'f' (malloc'd), but no more than 'max' + 1 bytes: a longer
   input is refused by its reader without being read whole. NULL with
   errno on a read error or out of memory. */
char *cli_slurp(FILE *f, size_t *len, size_t max);
/* explain and verify (replay.c). */
int replay_explain(int argc, char **argv);
int replay_verify(int argc, char **argv);
/* eval --jsonl --format html --out DIR: the cases on standard input
   decided, each case's report and the index written into 'dir'. */
int replay_reports(const char *prog, const char *dir);
int testrun_main(int argc, char **argv);
/* entitle doc (doc.c). */
int doc_main(int argc, char **argv);
/* entitle diff (diff.c). */
int diff_main(int argc, char **argv);

#endif
