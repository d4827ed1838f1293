/*
** compile.h: from a checked policy to a program.
*/
#ifndef ENT_COMPILE_H
#define ENT_COMPILE_H

#include "program.h"

struct sema;
ent_program *compile_policy(struct sema *s);

#endif
