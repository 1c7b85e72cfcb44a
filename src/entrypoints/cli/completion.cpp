#include "entrypoints/cli/completion.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

namespace allocation::cli {

namespace {

// What may follow a command: its subcommands, then its flags (and its parent's, when they
// fall through to it).
std::string words_after(const CLI::App& command) {
  std::vector<std::string> listed;
  std::string words;
  auto add = [&](const std::string& word) {
    if (std::find(listed.begin(), listed.end(), word) != listed.end()) return;
    listed.push_back(word);
    words += (words.empty() ? "" : " ") + word;
  };
  for (const CLI::App* subcommand : command.get_subcommands({})) add(subcommand->get_name());
  auto add_flags = [&](const CLI::App& owner) {
    for (const CLI::Option* option : owner.get_options({})) {
      for (const std::string& name : option->get_lnames()) add("--" + name);
    }
  };
  add_flags(command);
  if (command.get_fallthrough() && command.get_parent() != nullptr) {
    add_flags(*command.get_parent());
  }
  return words;
}

// One `case` branch per command: its path of subcommand names, and what may follow it.
void write_branches(std::ostream& out, const CLI::App& command, const std::string& path) {
  out << "    \"" << path << "\") words=\"" << words_after(command) << "\" ;;\n";
  for (const CLI::App* subcommand : command.get_subcommands({})) {
    write_branches(out, *subcommand, path + " " + subcommand->get_name());
  }
}

void write_paths(std::ostream& out, const CLI::App& command, const std::string& path,
                 std::string& paths) {
  for (const CLI::App* subcommand : command.get_subcommands({})) {
    std::string sub = path + " " + subcommand->get_name();
    paths += (paths.empty() ? "\"" : "|\"") + sub + "\"";
    write_paths(out, *subcommand, sub, paths);
  }
}

void write_script(std::ostream& out, const CLI::App& app) {
  std::string paths;
  write_paths(out, app, "", paths);
  out << "# bash completion for allocation (written by `allocation completion`)\n"
         "_allocation() {\n"
         "  local cur=${COMP_WORDS[COMP_CWORD]} path=\"\" words i\n"
         "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
         "    case \"$path ${COMP_WORDS[i]}\" in\n"
         "      "
      << paths
      << ") path=\"$path ${COMP_WORDS[i]}\" ;;\n"
         "    esac\n"
         "  done\n"
         "  case \"$path\" in\n";
  write_branches(out, app, "");
  out << "  esac\n"
         "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
         "}\n"
         "complete -F _allocation allocation\n";
}

}  // namespace

Subcommand add_completion_command(CLI::App& app) {
  CLI::App* command =
      app.add_subcommand("completion",
                         "Print the bash completion script (source it, or save it as "
                         "/usr/share/bash-completion/completions/allocation)");
  return {command, [&app] {
            write_script(std::cout, app);
            return 0;
          }};
}

}  // namespace allocation::cli
