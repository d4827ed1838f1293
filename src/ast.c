/*
** ast.c: constructors for the syntax tree. Nodes live in the garbage
** collected heap and are never freed by hand.
*/
#include "ast.h"

#include <gc.h>

const char *ast_kind_names[] = {
#define X(k) #k,
    AST_KINDS(X)
#undef X
};

ast *ast_new(ast_kind kind, loc_t loc) {
  ast *n = GC_MALLOC(sizeof *n);
  n->kind = kind;
  n->loc = loc;
  n->ty = -1;
  n->sym = -1;
  n->aux = -1;
  return n;
}

/* Appends 'item' (which may itself be a list) to 'list'; returns the list.
   Lists are short (fields of a record, cells of a row), so walking to the
   end is cheaper than keeping a tail pointer in every node. */
ast *ast_append(ast *list, ast *item) {
  if (!list) return item;
  ast *p = list;
  while (p->next) p = p->next;
  p->next = item;
  return list;
}

decl *decl_new(decl_kind kind, loc_t loc) {
  decl *d = GC_MALLOC(sizeof *d);
  d->kind = kind;
  d->loc = loc;
  d->name_loc = loc;
  return d;
}

decl *decl_append(decl *list, decl *item) {
  if (!list) return item;
  decl *p = list;
  while (p->next) p = p->next;
  p->next = item;
  return list;
}

int ast_count(const ast *list) {
  int n = 0;
  for (; list; list = list->next) n++;
  return n;
}
