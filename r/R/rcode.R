# r_code (API.md, "Analyses added in API 1.1"): every report, test and graph result carries
# plain R that reproduces it outside the server, from a data frame named after the dataset
# (as read.csv of the workspace's CSV export gives it), with base R and the Debian packages
# the server uses, never PanthR.r's own functions.
#
# The server passes a code context to each dispatcher (panthr_report, panthr_test,
# panthr_graph): the R name of the data frame and the set-up lines that make it the data the
# kind sees (factor levels in the workspace's order, the filter's rows). A kind builds its
# code with panthr_code_name() / panthr_code_data() and returns panthr_r_code(lines).

.panthr_code_ctx <- new.env(parent = emptyenv())
.panthr_code_ctx$data <- "data"
.panthr_code_ctx$setup <- character()

# Set the context for one dispatch; returns the previous one so the caller can restore it.
.panthr_code_enter <- function(code) {
  old <- list(data = .panthr_code_ctx$data, setup = .panthr_code_ctx$setup)
  d <- code$data
  s <- code$setup
  .panthr_code_ctx$data <- if (is.character(d) && length(d) == 1L && !is.na(d)) d else "data"
  .panthr_code_ctx$setup <- if (is.character(s)) s[!is.na(s)] else character()
  old
}
.panthr_code_leave <- function(old) {
  .panthr_code_ctx$data <- old$data
  .panthr_code_ctx$setup <- old$setup
}

#' A column or object name as R code: as it is when syntactic, else in backticks.
#' @param x character: names. @return character, one piece of code each.
panthr_code_name <- function(x) {
  x <- as.character(x)
  ok <- make.names(x) == x
  ifelse(ok, x, paste0("`", gsub("([`\\\\])", "\\\\\\1", x), "`"))
}

#' The data frame the kind sees, as R code (its name, already quoted).
panthr_code_data <- function() .panthr_code_ctx$data

#' A column of the data frame as R code: data$name (quoted when needed).
panthr_code_column <- function(name) paste0(panthr_code_data(), "$", panthr_code_name(name))

#' An R value (number, string, logical, NULL, or a vector of them) as R code, via deparse.
panthr_code_value <- function(x) paste(deparse(x, width.cutoff = 500L), collapse = " ")

#' The result's r_code: the context's set-up lines, then the kind's lines.
#' @param ... character lines (vectors are flattened).
#' @return character(1), lines joined by newlines.
panthr_r_code <- function(...) {
  lines <- c(.panthr_code_ctx$setup, unlist(list(...), use.names = FALSE))
  paste(lines, collapse = "\n")
}
