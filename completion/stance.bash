# Bash completion for stance. The words come from stance itself, from the
# option tables of its commands: `stance --complete` lists the commands and
# stance's own options, `stance --complete COMMAND` the options of COMMAND.
# Installed as share/bash-completion/completions/stance.

_stance()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prog=${COMP_WORDS[0]} cmd= i words
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-C) ((i++)) ;;
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	if [[ -z $cmd ]]; then
		if [[ ${COMP_WORDS[COMP_CWORD - 1]} == -C ]]; then
			COMPREPLY=($(compgen -d -- "$cur"))
			return
		fi
		words=$("$prog" --complete 2>/dev/null)
	elif [[ $cmd == help ]]; then
		words=$("$prog" --complete 2>/dev/null | grep -v '^-')
	elif [[ $cur == -* ]]; then
		words=$("$prog" --complete "$cmd" 2>/dev/null)
	else
		COMPREPLY=($(compgen -f -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _stance stance
