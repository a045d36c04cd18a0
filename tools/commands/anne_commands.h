/* The subcommands of `anne`: each lives in its own cmd_<name>.c and takes the arguments after its
 * name (argv[0] is the subcommand). Each returns the process exit code: 0 ok, 1 failure (a message
 * on stderr), 2 usage error. */
#ifndef ANNE_COMMANDS_H
#define ANNE_COMMANDS_H

int anne_cmd_convert(int argc, char **argv);
int anne_cmd_info(int argc, char **argv);
int anne_cmd_predict(int argc, char **argv);
int anne_cmd_eval(int argc, char **argv);
int anne_cmd_trace(int argc, char **argv);
int anne_cmd_quantize(int argc, char **argv);
int anne_cmd_train(int argc, char **argv);
int anne_cmd_prune(int argc, char **argv);
int anne_cmd_split(int argc, char **argv);
/* `anne split DATA.csv TRAIN.csv TEST.csv --test F`: anne_cmd_split() hands a call with --test here. */
int anne_cmd_split_data(int argc, char **argv);
int anne_cmd_plot(int argc, char **argv);
int anne_cmd_draw(int argc, char **argv);

#endif /* ANNE_COMMANDS_H */
