" Vim syntax file
" Language: entitle rule files (*.rules)
" The words and signs are those of grammar/lexer.l and doc/language.md;
" tests/editors/run-vim checks every shipped rule file against this file.

if exists("b:current_syntax")
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn case match
setlocal iskeyword=a-z,A-Z,48-57,_

" Reserved words (grammar/lexer.l)
syn keyword entitleDeclaration policy import document enum record facts
syn keyword entitleDeclaration parameter decision rule table test replace require
syn keyword entitleConditional when unless overrides includes if then else for where
syn keyword entitleOperatorWord and or not in is any all satisfy count sum age on
syn keyword entitleUnit years year months month days day
syn keyword entitleType list of set keyed by
syn keyword entitleKeyword version status end final cites quote also first like given
syn keyword entitleKeyword expect default optional protected identifier internal
syn keyword entitleKeyword collect rounded from until dated
syn keyword entitleBoolean true false

" The name a declaration gives
syn match entitleDeclaredName "\%(\<\%(rule\|table\|parameter\|enum\|record\|document\)\s\+\)\@<=\h\w*"
syn match entitleDeclaredName "\%(\<decision\s\+\)\@<=\h\w*\%(\.\h\w*\)*" contains=entitleDelimiter

" Functions: a name followed by '('
syn match entitleFunction "\<\%(min\|max\|days_between\|months_between\|years_between\|end_of_month\)\ze\s*("

" Literals: whole numbers first, so that the longer forms win
syn match entitleInteger "\%(\w\)\@<!\d\+"
syn match entitleMoney "\%(\w\)\@<!\%(\d\{1,3}\%(,\d\d\d\)\+\|\d\+\)\.\d\+"
syn match entitleMoney "£\%(\d\{1,3}\%(,\d\d\d\)\+\|\d\+\)\.\d\+"
syn match entitleBadMoney "£\%(\d\{1,3}\%(,\d\d\d\)\+\|\d\+\)\%(\.\d\|,\d\|\d\)\@!"
syn match entitlePercentage "\%(\w\)\@<!\d\+\%(\.\d\+\)\=%"
syn match entitleDate "\%(\w\)\@<!\d\{4}-\d\d-\d\d"

" Signs
syn match entitleOperator "!=\|<=\|>=\|[=<>+*/-]"
syn match entitleDelimiter "[(){}[\],:.]"
syn match entitleTableBar "|"

" Text, on one line, with \" and \\
syn match entitleEscape "\\[\"\\]" contained
syn match entitleBadEscape "\\[^\"\\]" contained
syn region entitleString start=+"+ skip=+\\\\\|\\"+ end=+"+ end=+$+ oneline contains=entitleEscape,entitleBadEscape

" Comments
syn keyword entitleTodo TODO FIXME XXX contained
syn match entitleComment "#.*$" contains=entitleTodo

hi def link entitleDeclaration Structure
hi def link entitleDeclaredName Identifier
hi def link entitleConditional Conditional
hi def link entitleOperatorWord Operator
hi def link entitleUnit Keyword
hi def link entitleType Type
hi def link entitleKeyword Keyword
hi def link entitleBoolean Boolean
hi def link entitleFunction Function
hi def link entitleInteger Number
hi def link entitleMoney Number
hi def link entitlePercentage Number
hi def link entitleDate Constant
hi def link entitleOperator Operator
hi def link entitleDelimiter Delimiter
hi def link entitleTableBar Delimiter
hi def link entitleString String
hi def link entitleEscape SpecialChar
hi def link entitleBadMoney Error
hi def link entitleBadEscape Error
hi def link entitleTodo Todo
hi def link entitleComment Comment

let b:current_syntax = "entitle"

let &cpo = s:cpo_save
unlet s:cpo_save
