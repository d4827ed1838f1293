/*
** parser.y: the grammar of the entitle language.
**
** A pure (reentrant) bison parser that builds the syntax tree of ast.h
** and nothing else: names are resolved and types checked later. Errors
** are reported through diag.c; after an error the parser skips to the
** next declaration keyword and goes on, so one run reports several
** mistakes. '%expect 0' makes any grammar conflict a build failure.
*/
%code requires {
#include "ast.h"
#include "diag.h"
#include "parse.h"
}

%code {
#include <gc.h>
#include <stdio.h>
#include <string.h>
#include "value.h"

#define YYMALLOC GC_MALLOC
#define YYFREE GC_FREE

int ent_yylex(ENT_YYSTYPE *lval, loc_t *lloc, void *scanner);
int lexer_init(parse_state *ps, const char *text, size_t len);
void lexer_done(parse_state *ps);
static void ent_yyerror(loc_t *loc, parse_state *ps, void *scanner,
                        const char *msg);

#define YYLLOC_DEFAULT(Cur, Rhs, N)                                   \
  do {                                                                \
    if (N) {                                                          \
      (Cur).file = YYRHSLOC(Rhs, 1).file;                             \
      (Cur).start = YYRHSLOC(Rhs, 1).start;                           \
      (Cur).end = YYRHSLOC(Rhs, N).end;                               \
    } else {                                                          \
      (Cur).file = YYRHSLOC(Rhs, 0).file;                             \
      (Cur).start = (Cur).end = YYRHSLOC(Rhs, 0).end;                 \
    }                                                                 \
  } while (0)

static const char *binop_word(int op) {
  static const char *const words[] = {"or", "and", "=", "!=", "<", "<=", ">",
                                      ">=", "in", "not in", "+", "-", "*", "/"};
  return op >= OPB_OR && op <= OPB_DIV ? words[op - OPB_OR] : "?";
}

static ast *node(parse_state *ps, ast_kind k, int op, loc_t l, ast *a,
                 ast *b, ast *c);
static ast *leaf(ast_kind k, loc_t l, int64_t n);
static void rule_period(parse_state *ps, decl *d, loc_t all, loc_t kw,
                        int64_t date, int until);
static int round_mode(parse_state *ps, loc_t l, const char *w1,
                      const char *w2);
static char *join(const char *a, const char *b);
static void item(parse_state *ps, decl *d);
static decl *also_cites(loc_t l, const char *what, const char *name,
                        loc_t name_loc, ast *cites);
static ast *append(parse_state *ps, ast *list, ast *item);
}

%define api.pure full
%define api.prefix {ent_yy}
%define api.location.type {loc_t}
%define parse.error detailed
%locations
%expect 0
%parse-param {parse_state *ps} {void *scanner}
%lex-param {void *scanner}

%union {
  const char *s;
  int64_t n;
  ast *node;
  decl *d;
}

%token <s> IDENT "identifier" STRING "text"
%token <n> INTLIT "integer" MONEYLIT "amount" DATELIT "date"
%token <n> PERCENTLIT "percentage"
%token ROW "'|' starting a table row" BAR "'|'" DBAR "'||'"
%token POLICY "'policy'" VERSION "'version'" STATUS "'status'" IMPORT "'import'"
%token DOCUMENT "'document'" ENUM "'enum'" RECORD "'record'" END "'end'"
%token FACTS "'facts'" LIST "'list'" OF "'of'" KEYED "'keyed'" BY "'by'" SET "'set'"
%token PARAMETER "'parameter'" DECISION "'decision'" RULE "'rule'" FINAL "'final'"
%token CITES "'cites'" QUOTE "'quote'" ALSO "'also'" WHEN "'when'" UNLESS "'unless'" OVERRIDES "'overrides'"
%token INCLUDES "'includes'" REPLACE "'replace'" REQUIRE "'require'"
%token TABLE "'table'" FIRST "'first'"
%token TEST "'test'" LIKE "'like'" GIVEN "'given'" EXPECT "'expect'"
%token TRUE "'true'" FALSE "'false'" AND "'and'" OR "'or'" NOT "'not'" NOTIN "'not in'"
%token IN "'in'" IS "'is'" IF "'if'" THEN "'then'" ELSE "'else'"
%token ANY "'any'" ALL "'all'" SATISFY "'satisfy'" COUNT "'count'" SUM "'sum'"
%token FOR "'for'" WHERE "'where'" AGE "'age'" ON "'on'"
%token YEARS "'years'" MONTHS "'months'" DAYS "'days'"
%token DEFAULT "'default'" OPTIONAL "'optional'" PROTECTED "'protected'"
%token IDENTIFIER "'identifier'" INTERNAL "'internal'"
%token COLLECT "'collect'" ROUNDED "'rounded'"
%token FROM "'from'" UNTIL "'until'" DATED "'dated'"
%token NE "'!='" LE "'<='" GE "'>='"

%type <s> path tpath title_opt
%type <node> cites cites1 citation
%type <n> rule_head first_opt rmode
%type <node> names paths fields field type attrs_opt attrs attr expr postfix
%type <node> primary exprs cells cell gives give expects expectation value
%type <node> values finits finit period period_opt pvalues
%type <d> policy policy_opts rule rule_start table table_head test test_head
%type <d> test_given

%precedence IFX
%left OR
%left AND
%precedence NOT
%nonassoc '=' NE '<' LE '>' GE IN NOTIN
%precedence IS
%left '+' '-'
%precedence ROUNDED
%left '*' '/'
%precedence UMINUS

%%

file: %empty
    | file item
    | file error
    ;

item: policy                        { item(ps, $1); }
    | IMPORT STRING                 {
        decl *d = decl_new(DECL_IMPORT, @$); d->str = $2; d->name_loc = @2;
        item(ps, d); }
    | DOCUMENT IDENT STRING         {
        decl *d = decl_new(DECL_DOCUMENT, @$); d->name = $2;
        d->name_loc = @2; d->str = $3; item(ps, d); }
    /* 'document D "title" text "FILE"': the file holding the document's
       own words, against which its quotations are checked. 'text' is
       also a type's name, so it is an ordinary word here, as a rounding
       is after 'rounded'. */
    | DOCUMENT IDENT STRING IDENT STRING {
        if (strcmp($4, "text"))
          diag_syntax_error(ps->d, @4, "expected 'text \"FILE\"' after "
                            "the title of document '%s', found '%s'", $2,
                            $4);
        decl *d = decl_new(DECL_DOCUMENT, @$); d->name = $2;
        d->name_loc = @2; d->str = $3; d->text_path = $5; d->text_loc = @5;
        item(ps, d); }
    | ENUM IDENT ':' names          {
        decl *d = decl_new(DECL_ENUM, @$); d->name = $2; d->name_loc = @2;
        d->fields = $4; item(ps, d); }
    | RECORD IDENT fields END       {
        decl *d = decl_new(DECL_RECORD, @$); d->name = $2; d->name_loc = @2;
        d->fields = $3; item(ps, d); }
    | FACTS fields END              {
        decl *d = decl_new(DECL_FACTS, @$); d->name = "facts";
        d->fields = $2; item(ps, d); }
    | PARAMETER IDENT ':' type '=' expr title_opt {
        decl *d = decl_new(DECL_PARAM, @$); d->name = $2; d->name_loc = @2;
        d->type = $4; d->value = $6; d->title = $7; item(ps, d); }
    | REPLACE PARAMETER IDENT '=' expr title_opt {
        decl *d = decl_new(DECL_PARAM, @$); d->name = $3; d->name_loc = @3;
        d->replace = 1; d->value = $5; d->title = $6; item(ps, d); }
    /* A parameter whose value changes on dates: '= V from D' for each
       period, in date order; resolve.c makes it an internal decision
       with one rule per period. */
    | PARAMETER IDENT ':' type pvalues title_opt cites {
        decl *d = decl_new(DECL_PARAM, @$); d->name = $2; d->name_loc = @2;
        d->type = $4; d->periods = $5; d->title = $6; d->cites = $7;
        item(ps, d); }
    | REPLACE PARAMETER IDENT pvalues title_opt cites {
        decl *d = decl_new(DECL_PARAM, @$); d->name = $3; d->name_loc = @3;
        d->replace = 1; d->periods = $4; d->title = $5; d->cites = $6;
        item(ps, d); }
    /* 'replace rule R from D until E': a period for a rule declared
       before, which otherwise stays as it is. */
    | rule_head IDENT period         {
        if ($1 != 2)
          diag_error(ps->d, @1, "a period is added to a rule declared "
                     "elsewhere with 'replace rule %s from ...'", $2);
        decl *d = decl_new(DECL_RULE, @$); d->name = $2; d->name_loc = @2;
        d->period = $3; d->str = "period"; item(ps, d); }
    /* 'dated by FACT': the date on which a case is decided, for every
       period of the policy. */
    | DATED BY path                 {
        decl *d = decl_new(DECL_DATED, @$); d->name = $3;
        d->name_loc = @3; item(ps, d); }
    | DECISION path ':' type attrs_opt title_opt cites {
        decl *d = decl_new(DECL_DECISION, @$); d->name = $2;
        d->name_loc = @2; d->type = $4; d->attrs = $5; d->title = $6;
        d->cites = $7; item(ps, d); }
    | REQUIRE expr title_opt        {
        decl *d = decl_new(DECL_REQUIRE, @$); d->name = "require";
        d->name_loc = @1; d->value = $2; d->title = $3; item(ps, d); }
    /* 'rule ID also cites DOC "section"': adds citations to a rule
       declared elsewhere (an imported file's, typically), keeping its
       own; the same for a table's rows and a decision's default. */
    | rule_head IDENT ALSO cites1   {
        if ($1)
          diag_error(ps->d, @1, "'also cites' adds to a rule declared "
                     "elsewhere: write 'rule %s also cites ...', without "
                     "'final' or 'replace'", $2);
        item(ps, also_cites(@$, "rule", $2, @2, $4)); }
    | TABLE IDENT ALSO cites1       {
        item(ps, also_cites(@$, "table", $2, @2, $4)); }
    | DECISION path ALSO cites1     {
        item(ps, also_cites(@$, "decision", $2, @2, $4)); }
    | rule                          { item(ps, $1); }
    | table END                     { $1->loc = @$; item(ps, $1); }
    | test                          { item(ps, $1); }
    ;

policy: POLICY STRING policy_opts   { $$ = $3; $$->str = $2; $$->loc = @$;
                                      $$->name_loc = @2; }
      ;

policy_opts: %empty                 { $$ = decl_new(DECL_POLICY, @$); }
           | policy_opts VERSION STRING { $$ = $1; $$->version = $3; }
           | policy_opts STATUS STRING  { $$ = $1; $$->status = $3; }
           ;

names: IDENT                        {
         $$ = ast_new(AST_NAME, @1); $$->name = $1; }
     | names ',' IDENT              {
         ast *n = ast_new(AST_NAME, @3); n->name = $3;
         $$ = append(ps, $1, n); }
     ;

/* Rule identifiers, and table rows ('t.row2') or whole tables ('t'). */
paths: path                         {
         $$ = ast_new(AST_NAME, @1); $$->name = $1; }
     | paths ',' path               {
         ast *n = ast_new(AST_NAME, @3); n->name = $3;
         $$ = append(ps, $1, n); }
     ;

fields: %empty                      { $$ = NULL; }
      | fields field                { $$ = append(ps, $1, $2); }
      ;

/* A fact, with what it means in words: the question an interview asks
   ('entitle needs'), shown beside the fact wherever it is explained. */
field: IDENT ':' type attrs_opt title_opt {
         $$ = ast_new(AST_FIELD, @1); $$->name = $1; $$->a = $3;
         $$->b = $4;
         if ($5) { $$->c = ast_new(AST_TEXT, @5); $$->c->name = $5; } }
     ;

type: IDENT                         {
        $$ = ast_new(AST_TYPE, @$); $$->name = $1; }
    | SET OF IDENT                  {
        $$ = ast_new(AST_TYPE, @$); $$->name = $3; $$->op = 's'; }
    | LIST OF IDENT KEYED BY IDENT  {
        $$ = ast_new(AST_TYPE, @$); $$->name = $3; $$->op = 'l';
        $$->a = ast_new(AST_NAME, @6); $$->a->name = $6; }
    ;

attrs_opt: %empty                   { $$ = NULL; }
         | '(' attrs ')'            { $$ = $2; }
         ;

attrs: attr                         { $$ = $1; }
     | attrs ',' attr               { $$ = append(ps, $1, $3); }
     ;

attr: DEFAULT expr                  {
        $$ = ast_new(AST_ATTR, @$); $$->name = "default"; $$->a = $2; }
    | OPTIONAL                      {
        $$ = ast_new(AST_ATTR, @$); $$->name = "optional"; }
    | PROTECTED                     {
        $$ = ast_new(AST_ATTR, @$); $$->name = "protected"; }
    | PROTECTED STRING              {
        $$ = ast_new(AST_ATTR, @$); $$->name = "protected";
        $$->a = ast_new(AST_TEXT, @2); $$->a->name = $2; }
    | IDENTIFIER                    {
        $$ = ast_new(AST_ATTR, @$); $$->name = "identifier"; }
    | INTERNAL                      {
        $$ = ast_new(AST_ATTR, @$); $$->name = "internal"; }
    | COLLECT                       {
        $$ = ast_new(AST_ATTR, @$); $$->name = "collect"; }
    ;

path: IDENT                         { $$ = $1; }
    | path '.' IDENT                { $$ = join($1, $3); }
    ;

/* In tests, an item of a list keyed by a number is named by it:
   'things.3.flag'. */
tpath: IDENT                        { $$ = $1; }
     | tpath '.' IDENT              { $$ = join($1, $3); }
     | tpath '.' INTLIT             {
         char num[24];
         snprintf(num, sizeof num, "%lld", (long long)$3);
         $$ = join($1, num); }
     ;

title_opt: %empty                   { $$ = NULL; }
         | STRING                   { $$ = $1; }
         ;

/* rule ID "title" cites DOC "section" DECISION = VALUE clauses */
rule: rule_start path '=' expr      {
        $$ = $1; $$->target = ast_new(AST_NAME, @2); $$->target->name = $2;
        $$->value = $4; $$->loc = @$; }
    | rule_start path INCLUDES expr {
        $$ = $1; $$->target = ast_new(AST_NAME, @2); $$->target->name = $2;
        $$->value = $4; $$->includes = 1; $$->loc = @$; }
    | rule WHEN expr                {
        $$ = $1; $$->when = $$->when
            ? node(ps, AST_BINOP, OPB_AND, loc_span($$->when->loc, @3),
                   $$->when, $3, NULL)
            : $3;
        $$->loc = @$; }
    | rule UNLESS expr              {
        $$ = $1; $$->unless = append(ps, $$->unless, $3); $$->loc = @$; }
    | rule FROM DATELIT             {
        $$ = $1; rule_period(ps, $$, @$, @2, $3, 0); }
    | rule UNTIL DATELIT            {
        $$ = $1; rule_period(ps, $$, @$, @2, $3, 1); }
    | rule OVERRIDES paths          {
        $$ = $1; $$->overrides = append(ps, $$->overrides, $3);
        $$->loc = @$; }
    ;

rule_start: rule_head IDENT title_opt cites {
              $$ = decl_new(DECL_RULE, @$); $$->name = $2;
              $$->name_loc = @2; $$->title = $3; $$->title_loc = @3;
              $$->cites = $4;
              $$->final_ = $1 & 1; $$->replace = ($1 & 2) != 0; }
          ;

/* cites DOCUMENT "section", as many as the rule rests on. */
cites: %empty                       { $$ = NULL; }
     | cites citation               { $$ = append(ps, $1, $2); }
     ;

/* At least one citation: after 'also'. */
cites1: citation cites              { $1->next = $2; $$ = $1; }
      ;

/* 'cites DOCUMENT "section"', optionally followed by 'quote "words"':
   the policy's own words, which resolve.c checks against the document's
   text when its declaration names one. A NAME node: the document in
   'name', the section a TEXT in 'a', the quotation a TEXT in 'b'. */
citation: CITES IDENT STRING        {
            $$ = ast_new(AST_NAME, @2); $$->name = $2;
            $$->a = ast_new(AST_TEXT, @3); $$->a->name = $3; }
        | CITES IDENT STRING QUOTE STRING {
            $$ = ast_new(AST_NAME, @2); $$->name = $2;
            $$->a = ast_new(AST_TEXT, @3); $$->a->name = $3;
            $$->b = ast_new(AST_TEXT, @5); $$->b->name = $5; }
        ;

rule_head: RULE                     { $$ = 0; }
         | FINAL RULE               { $$ = 1; }
         | REPLACE RULE             { $$ = 2; }
         | REPLACE FINAL RULE       { $$ = 3; }
         ;

table: table_head ROW cells DBAR cells BAR {
         $$ = $1; $$->head_in = $3; $$->head_out = $5; }
     | table ROW cells DBAR cells BAR {
         $$ = $1;
         ast *r = ast_new(AST_ROW, loc_span(@2, @6)); r->a = $3; r->b = $5;
         $$->rows = append(ps, $$->rows, r); }
     ;

table_head: TABLE IDENT first_opt title_opt cites period_opt {
              $$ = decl_new(DECL_TABLE, @$); $$->name = $2;
              $$->name_loc = @2; $$->first = (int)$3; $$->title = $4;
              $$->title_loc = @4; $$->cites = $5; $$->period = $6; }
          ;

/* 'from D', 'until E' (its last day) or 'from D until E'. */
period: FROM DATELIT                {
          $$ = ast_new(AST_PERIOD, @$); $$->b = leaf(AST_DATE, @2, $2); }
      | UNTIL DATELIT               {
          $$ = ast_new(AST_PERIOD, @$); $$->c = leaf(AST_DATE, @2, $2); }
      | FROM DATELIT UNTIL DATELIT  {
          $$ = ast_new(AST_PERIOD, @$); $$->b = leaf(AST_DATE, @2, $2);
          $$->c = leaf(AST_DATE, @4, $4); }
      ;
period_opt: %empty                  { $$ = NULL; }
          | period                  { $$ = $1; }
          ;
/* '= V from D = W from E ...': the values of a dated parameter. */
pvalues: '=' expr period            { $$ = $3; $$->a = $2; $$->loc = @$; }
       | pvalues '=' expr period    {
           $4->a = $3; $4->loc = loc_span(@2, @4);
           $$ = append(ps, $1, $4); }
       ;
first_opt: %empty                   { $$ = 0; }
         | FIRST                    { $$ = 1; }
         ;

cells: cell                         { $$ = $1; }
     | cells BAR cell               { $$ = append(ps, $1, $3); }
     ;

cell: '-'                           { $$ = ast_new(AST_CELL, @$); $$->op = '-'; }
    | exprs                         {
        $$ = ast_new(AST_CELL, @$); $$->op = 'l'; $$->a = $1; }
    | '=' expr                      {
        $$ = ast_new(AST_CELL, @$); $$->op = OPB_EQ; $$->a = $2; }
    | NE expr                       {
        $$ = ast_new(AST_CELL, @$); $$->op = OPB_NE; $$->a = $2; }
    | '<' expr                      {
        $$ = ast_new(AST_CELL, @$); $$->op = OPB_LT; $$->a = $2; }
    | LE expr                       {
        $$ = ast_new(AST_CELL, @$); $$->op = OPB_LE; $$->a = $2; }
    | '>' expr                      {
        $$ = ast_new(AST_CELL, @$); $$->op = OPB_GT; $$->a = $2; }
    | GE expr                       {
        $$ = ast_new(AST_CELL, @$); $$->op = OPB_GE; $$->a = $2; }
    ;

exprs: expr                         { $$ = $1; }
     | exprs ',' expr               { $$ = append(ps, $1, $3); }
     ;

test: test_given                    { $$ = $1; }
    | test_given EXPECT expects     { $$ = $1; $$->expect = $3; $$->loc = @$; }
    ;

test_given: test_head               { $$ = $1; }
          | test_head GIVEN gives   { $$ = $1; $$->given = $3; $$->loc = @$; }
          ;

test_head: TEST STRING              {
             $$ = decl_new(DECL_TEST, @$); $$->name = $2; $$->name_loc = @2; }
         | TEST STRING LIKE STRING  {
             $$ = decl_new(DECL_TEST, @$); $$->name = $2; $$->name_loc = @2;
             $$->like = $4; $$->like_loc = @4; }
         ;

gives: give                         { $$ = $1; }
     | gives give                   { $$ = append(ps, $1, $2); }
     ;

give: tpath '=' value               {
        $$ = ast_new(AST_GIVE, @$); $$->a = ast_new(AST_NAME, @1);
        $$->a->name = $1; $$->b = $3; }
    ;

expects: expectation                { $$ = $1; }
       | expects expectation        { $$ = append(ps, $1, $2); }
       ;

expectation: tpath '=' value        {
               $$ = ast_new(AST_EXPECT, @$); $$->op = '=';
               $$->a = ast_new(AST_NAME, @1); $$->a->name = $1; $$->b = $3; }
           | tpath '=' value BY DEFAULT {
               $$ = ast_new(AST_EXPECT, @$); $$->op = '=';
               $$->a = ast_new(AST_NAME, @1); $$->a->name = $1; $$->b = $3;
               $$->name = "default"; }
           | tpath '=' value BY path {
               $$ = ast_new(AST_EXPECT, @$); $$->op = '=';
               $$->a = ast_new(AST_NAME, @1); $$->a->name = $1; $$->b = $3;
               $$->name = $5; $$->c = leaf(AST_NAME, @5, 0);
               $$->c->name = $5; }
           | tpath IS IDENT         {
               $$ = ast_new(AST_EXPECT, @$);
               $$->a = ast_new(AST_NAME, @1); $$->a->name = $1;
               if (!strcmp($3, "undecided")) $$->op = 'u';
               else if (!strcmp($3, "conflict")) $$->op = 'c';
               else if (!strcmp($3, "invalid") && !strcmp($1, "case"))
                 $$->op = 'i';
               else diag_syntax_error(ps->d, @3, "expected 'undecided' "
                                      "or 'conflict' after 'is' (or 'case "
                                      "is invalid'), found '%s'", $3); }
           ;

value: TRUE                         { $$ = leaf(AST_BOOL, @$, 1); }
     | FALSE                        { $$ = leaf(AST_BOOL, @$, 0); }
     | INTLIT                       { $$ = leaf(AST_INT, @$, $1); }
     | '-' INTLIT                   { $$ = leaf(AST_INT, @$, -$2); }
     | MONEYLIT                     { $$ = leaf(AST_MONEY, @$, $1); }
     | '-' MONEYLIT                 { $$ = leaf(AST_MONEY, @$, -$2); }
     | DATELIT                      { $$ = leaf(AST_DATE, @$, $1); }
     | STRING                       { $$ = leaf(AST_TEXT, @$, 0); $$->name = $1; }
     | IDENT                        { $$ = leaf(AST_NAME, @$, 0); $$->name = $1; }
     | '{' '}'                      { $$ = leaf(AST_SET, @$, 0); }
     | '{' names '}'                { $$ = leaf(AST_SET, @$, 0); $$->a = $2; }
     | '{' finits '}'               { $$ = leaf(AST_RECORD, @$, 0); $$->a = $2; }
     | '[' ']'                      { $$ = leaf(AST_LIST, @$, 0); }
     | '[' values ']'               { $$ = leaf(AST_LIST, @$, 0); $$->a = $2; }
     ;

values: value                       { $$ = $1; }
      | values ',' value            { $$ = append(ps, $1, $3); }
      ;

finits: finit                       { $$ = $1; }
      | finits ',' finit            { $$ = append(ps, $1, $3); }
      ;

finit: IDENT ':' value              {
         $$ = ast_new(AST_FIELDINIT, @$); $$->name = $1; $$->a = $3; }
     ;

expr: IF expr THEN expr ELSE expr %prec IFX {
        $$ = node(ps, AST_IF, 0, @$, $2, $4, $6); }
    | expr OR expr                  { $$ = node(ps, AST_BINOP, OPB_OR, @$, $1, $3, NULL); }
    | expr AND expr                 { $$ = node(ps, AST_BINOP, OPB_AND, @$, $1, $3, NULL); }
    | NOT expr                      { $$ = node(ps, AST_UNOP, '!', @$, $2, NULL, NULL); }
    | expr '=' expr                 { $$ = node(ps, AST_BINOP, OPB_EQ, @$, $1, $3, NULL); }
    | expr NE expr                  { $$ = node(ps, AST_BINOP, OPB_NE, @$, $1, $3, NULL); }
    | expr '<' expr                 { $$ = node(ps, AST_BINOP, OPB_LT, @$, $1, $3, NULL); }
    | expr LE expr                  { $$ = node(ps, AST_BINOP, OPB_LE, @$, $1, $3, NULL); }
    | expr '>' expr                 { $$ = node(ps, AST_BINOP, OPB_GT, @$, $1, $3, NULL); }
    | expr GE expr                  { $$ = node(ps, AST_BINOP, OPB_GE, @$, $1, $3, NULL); }
    | expr IN expr                  { $$ = node(ps, AST_BINOP, OPB_IN, @$, $1, $3, NULL); }
    | expr NOTIN expr               { $$ = node(ps, AST_BINOP, OPB_NOTIN, @$, $1, $3, NULL); }
    | expr IS GIVEN                 { $$ = node(ps, AST_GIVEN, 1, @$, $1, NULL, NULL); }
    | expr IS NOT GIVEN             { $$ = node(ps, AST_GIVEN, 0, @$, $1, NULL, NULL); }
    | expr '+' expr                 { $$ = node(ps, AST_BINOP, OPB_ADD, @$, $1, $3, NULL); }
    | expr '-' expr                 { $$ = node(ps, AST_BINOP, OPB_SUB, @$, $1, $3, NULL); }
    | expr '*' expr                 { $$ = node(ps, AST_BINOP, OPB_MUL, @$, $1, $3, NULL); }
    | expr '/' expr                 { $$ = node(ps, AST_BINOP, OPB_DIV, @$, $1, $3, NULL); }
    /* 'A * P rounded half up', 'A / N rounded down': the rounding of a
       share or a quotient is always written out (types.c checks that it
       follows one). */
    | expr ROUNDED rmode            { $$ = node(ps, AST_ROUND, (int)$3, @$, $1, NULL, NULL); }
    | '-' expr %prec UMINUS         { $$ = node(ps, AST_UNOP, '-', @$, $2, NULL, NULL); }
    | ANY IDENT IN postfix WHERE expr %prec IFX {
        $$ = node(ps, AST_AGG, OPA_ANY, @$, $4, $6, NULL); $$->name = $2; }
    | ALL IDENT IN postfix SATISFY expr %prec IFX {
        $$ = node(ps, AST_AGG, OPA_ALL, @$, $4, $6, NULL); $$->name = $2; }
    | COUNT IDENT IN postfix        {
        $$ = node(ps, AST_AGG, OPA_COUNT, @$, $4, NULL, NULL); $$->name = $2; }
    | COUNT IDENT IN postfix WHERE expr %prec IFX {
        $$ = node(ps, AST_AGG, OPA_COUNT, @$, $4, $6, NULL); $$->name = $2; }
    | SUM expr FOR IDENT IN postfix {
        $$ = node(ps, AST_AGG, OPA_SUM, @$, $6, NULL, $2); $$->name = $4; }
    | SUM expr FOR IDENT IN postfix WHERE expr %prec IFX {
        $$ = node(ps, AST_AGG, OPA_SUM, @$, $6, $8, $2); $$->name = $4; }
    | AGE OF postfix ON postfix     { $$ = node(ps, AST_AGE, 0, @$, $3, $5, NULL); }
    | postfix                       { $$ = $1; }
    ;

/* 'half up', 'half even', 'down' or 'up': ordinary words, not reserved,
   recognised only here. */
rmode: IDENT                        { $$ = round_mode(ps, @1, NULL, $1); }
     | IDENT IDENT                  { $$ = round_mode(ps, @$, $1, $2); }
     ;
postfix: primary                    { $$ = $1; }
       | postfix '.' IDENT          {
           $$ = $1;
           if ($1->kind != AST_NAME) {
             diag_syntax_error(ps->d, @2,
                               "only a name can be followed by '.'");
           } else {
             $$->name = join($1->name, $3); $$->loc = @$;
           }
         }
       | postfix YEARS              { $$ = node(ps, AST_DURATION, 'y', @$, $1, NULL, NULL); }
       | postfix MONTHS             { $$ = node(ps, AST_DURATION, 'm', @$, $1, NULL, NULL); }
       | postfix DAYS               { $$ = node(ps, AST_DURATION, 'd', @$, $1, NULL, NULL); }
       ;

primary: IDENT                      { $$ = leaf(AST_NAME, @$, 0); $$->name = $1; }
       | TRUE                       { $$ = leaf(AST_BOOL, @$, 1); }
       | FALSE                      { $$ = leaf(AST_BOOL, @$, 0); }
       | INTLIT                     { $$ = leaf(AST_INT, @$, $1); }
       | MONEYLIT                   { $$ = leaf(AST_MONEY, @$, $1); }
       | DATELIT                    { $$ = leaf(AST_DATE, @$, $1); }
       | PERCENTLIT                 { $$ = leaf(AST_PERCENT, @$, $1); }
       | STRING                     { $$ = leaf(AST_TEXT, @$, 0); $$->name = $1; }
       | '(' expr ')'               { $$ = $2; $$->loc = @$; }
       /* min(a, b), days_between(d, e)...: types.c knows the names. */
       | IDENT '(' exprs ')'        {
           $$ = node(ps, AST_CALL, 0, @$, $3, NULL, NULL); $$->name = $1; }
       | '{' '}'                    { $$ = leaf(AST_SET, @$, 0); }
       | '{' exprs '}'              {
           $$ = node(ps, AST_SET, 0, @$, $2, NULL, NULL); }
       ;

%%

/* The depth of a node is kept in 'num' for interior nodes while parsing,
   so that absurdly deep input is refused here, once, before any later
   pass recurses over it. */
static int depth_of(const ast *n) {
  if (!n) return 0;
  switch (n->kind) {
  case AST_BINOP: case AST_UNOP: case AST_IF: case AST_GIVEN: case AST_AGE:
  case AST_AGG: case AST_DURATION: case AST_SET: case AST_ROUND:
  case AST_CALL:
    return n->aux;
  default:
    return 1;
  }
}

static ast *node(parse_state *ps, ast_kind k, int op, loc_t l, ast *a,
                 ast *b, ast *c) {
  ast *n = ast_new(k, l);
  n->op = op;
  n->a = a;
  n->b = b;
  n->c = c;
  int d = depth_of(a);
  if (depth_of(b) > d) d = depth_of(b);
  if (depth_of(c) > d) d = depth_of(c);
  if (k == AST_SET || k == AST_CALL)
    for (ast *e = a; e; e = e->next)
      if (depth_of(e) > d) d = depth_of(e);
  n->aux = d + 1;
  if (n->aux == PARSE_MAX_DEPTH + 1) {
    /* 'a or b or c ...' nests to the left, one level per term: say so in
       the reader's words, at the term that went past the limit. */
    if (k == AST_BINOP && a && a->kind == AST_BINOP && a->op == op && b) {
      int terms = 2;
      for (const ast *x = a; x->kind == AST_BINOP && x->op == op; x = x->a)
        terms++;
      diag_syntax_error(ps->d, b->loc, "%d terms joined by '%s' nest deeper "
                 "than an expression may (%d levels)%s", terms, binop_word(op),
                 PARSE_MAX_DEPTH, op == OPB_OR ? ": a long list of "
                 "alternatives reads better as a set ('x in {a, b, c}') or a "
                 "table" : "");
    } else
      diag_syntax_error(ps->d, l, "expression nested more than %d deep",
                        PARSE_MAX_DEPTH);
  }
  return n;
}

/* The rounding mode named by 'w1 w2' ('w1' NULL for one word), as
   value.h numbers them; an error at 'l' for any other words. */
static int round_mode(parse_state *ps, loc_t l, const char *w1,
                      const char *w2) {
  char both[64];
  snprintf(both, sizeof both, "%s%s%s", w1 ? w1 : "", w1 ? " " : "", w2);
  for (int m = 0; m < ROUND_NMODES; m++)
    if (!strcmp(both, round_mode_names[m])) return m;
  diag_error(ps->d, l, "unknown rounding '%s': write 'rounded half up', "
             "'rounded half even', 'rounded down' or 'rounded up'", both);
  return ROUND_HALF_UP;
}
/* A rule's 'from D' or 'until D' clause (one of each at most). */
static void rule_period(parse_state *ps, decl *d, loc_t all, loc_t kw,
                        int64_t date, int until) {
  if (!d->period) d->period = ast_new(AST_PERIOD, kw);
  ast **slot = until ? &d->period->c : &d->period->b;
  if (*slot)
    diag_error(ps->d, kw, "rule '%s' has two '%s' dates", d->name,
               until ? "until" : "from");
  *slot = leaf(AST_DATE, kw, date);
  d->period->loc = loc_span(d->period->loc, kw);
  d->loc = all;
}
static ast *leaf(ast_kind k, loc_t l, int64_t n) {
  ast *x = ast_new(k, l);
  x->num = n;
  return x;
}

static char *join(const char *a, const char *b) {
  size_t na = strlen(a), nb = strlen(b);
  char *s = GC_MALLOC_ATOMIC(na + nb + 2);
  memcpy(s, a, na);
  s[na] = '.';
  memcpy(s + na + 1, b, nb + 1);
  return s;
}

static void item(parse_state *ps, decl *d) {
  d->module = ps->file;
  d->next = ps->items;
  ps->items = d;
}

/* An 'also cites' declaration: 'str' says what it adds to ("rule",
   "table" or "decision"), 'name' which one; resolve.c adds the
   citations. */
static decl *also_cites(loc_t l, const char *what, const char *name,
                        loc_t name_loc, ast *cites) {
  decl *d = decl_new(DECL_CITE, l);
  d->str = what;
  d->name = name;
  d->name_loc = name_loc;
  d->cites = cites;
  return d;
}

/* bison's messages name tokens by their quoted aliases; we only prefix
   nothing and keep its 'unexpected X, expecting Y' form. */
static void ent_yyerror(loc_t *loc, parse_state *ps, void *scanner,
                        const char *msg) {
  (void)scanner;
  const char *m = msg;
  if (!strncmp(m, "syntax error, ", 14)) m += 14;
  /* The parser's stack is full: only nesting does that (10,000 open
     parentheses, or 'if' inside 'if' some thousands deep). */
  if (!strcmp(m, "memory exhausted")) {
    diag_syntax_error(ps->d, *loc, "nested too deeply to read: the parser's "
                      "limit is about %d levels of parentheses", YYMAXDEPTH);
    return;
  }
  /* A keyword where a name was expected: say why it cannot be a name. */
  int reserved = !strncmp(m, "unexpected '", 12) && strstr(m, "identifier");
  diag_syntax_error(ps->d, *loc, "%s%s", m, reserved ? " (a reserved word "
                    "cannot be used as a name)" : "");
}

/* Lists (fields, table rows, set elements, test facts...) grow at their
   end, one element per reduction. ast_append() walks the whole list each
   time, which made parsing quadratic: a facts block of 65,000 fields took
   minutes (found while fuzzing; see tests/fuzz/README.md). The parser's
   state therefore carries the tails of the lists it is building, a few
   at a time since lists nest (the attributes of a field of a record). A
   cached tail is always an element of its list, and lists only grow at
   their end while parsing, so walking on from it finds the true end.
   The list used longest ago gives up its place: a list of 40,000
   records makes a short list of fields for each record, and these must
   not push the long list out (which made it quadratic again). */
#define TAILS 8
typedef struct {
  parse_state ps;              /* first: actions get &ext->ps as 'ps' */
  ast *head[TAILS], *tail[TAILS];
  unsigned long used[TAILS], clock;
} parse_ext;

static ast *append(parse_state *ps, ast *list, ast *item) {
  parse_ext *x = (parse_ext *)ps;
  if (!list) return item;
  ast *t = list;
  unsigned k;
  for (k = 0; k < TAILS; k++)
    if (x->head[k] == list) {
      t = x->tail[k];
      break;
    }
  if (k == TAILS) {
    k = 0;
    for (unsigned j = 1; j < TAILS; j++)
      if (x->used[j] < x->used[k]) k = j;
  }
  x->used[k] = ++x->clock;
  while (t->next) t = t->next;
  t->next = item;
  while (t->next) t = t->next;
  x->head[k] = list;
  x->tail[k] = t;
  return list;
}

decl *parse_file(diag *d, int file) {
  return parse_text(d, file, d->texts[file], d->lens[file]);
}

decl *parse_text(diag *d, int file, const char *text, size_t len) {
  /* On the stack, which the collector scans: the cached heads and tails
     keep their nodes alive, so an address cannot be reused for another
     list while it is cached. */
  parse_ext ext;
  memset(&ext, 0, sizeof ext);
  parse_state *ps = &ext.ps;
  ps->d = d;
  ps->file = file;
  if (lexer_init(ps, text, len)) {
    loc_t l = {file, 0, 0};
    diag_internal_error(d, l, "out of memory starting the scanner");
    return NULL;
  }
  ent_yyparse(ps, ps->scanner);
  lexer_done(ps);
  decl *rev = NULL;
  while (ps->items) {
    decl *n = ps->items->next;
    ps->items->next = rev;
    rev = ps->items;
    ps->items = n;
  }
  return rev;
}
