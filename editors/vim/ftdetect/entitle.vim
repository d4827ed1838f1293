" Rule files of the entitle language.
autocmd BufNewFile,BufRead *.rules setfiletype entitle
