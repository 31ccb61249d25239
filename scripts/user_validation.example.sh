#!/bin/sh
# PanthR server: example `user_validation` script (panthr_config.json: "user_validation").
#
# The server runs this script when someone registers, with the (trimmed, lower-cased)
# email address as its only argument: no shell is involved, the environment is nearly
# empty (PATH=/usr/local/bin:/usr/bin:/bin), the working directory is this script's
# folder, and it has 5 seconds. Print `1` to allow the address; anything else (`0`,
# nothing, an error, a non-zero exit, a timeout) refuses it. Failures are logged.
#
# This example allows only addresses at hanover.edu (not its subdomains). To adapt it:
#   - change DOMAIN, or add more `*@other.edu)` lines to the `case` below;
#   - or look the address up in a list:  grep -qixF -- "$1" /etc/panthr/allowed.txt
#     (keep the `--`: it stops an argument from being read as an option);
#   - or ask a directory server (ldapsearch, curl ...), within the time limit.
# Make it executable (chmod +x) and never let users edit it.

DOMAIN="hanover.edu"

case "$1" in
  *@"$DOMAIN") echo 1 ;;
  *) echo 0 ;;
esac
