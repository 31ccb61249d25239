# Reading data files for the `read` command (API 1.1, "Data in API 1.1"): the server sends
# a file's bytes (never a path); they are written to a file in the session's private
# directory, read there with readxl or haven, and the file is removed whatever happens.
# Text columns become factors with their levels in R's own sorted order (factor() in the
# session's locale), so results agree with R on the same file.

#' The levels factor() gives each character vector, in the session's collation.
#' @param x list of character vectors (the distinct values of text columns).
#' @return list of character vectors: levels(factor(v)) for each (NA dropped).
panthr_sort_levels <- function(x) {
  if (!is.list(x)) panthr_stop("invalid_object", "expected a list of character vectors")
  lapply(x, function(v) {
    if (!is.character(v)) panthr_stop("invalid_object", "expected character vectors")
    levels(factor(v))
  })
}

# The file kinds read here and the readers' options.
.panthr_readers <- list(
  xlsx = function(file, o) {
    sheet <- o$sheet
    if (is.null(sheet)) sheet <- 1L
    sheets <- readxl::excel_sheets(file)
    if (is.numeric(sheet) && (sheet < 1 || sheet > length(sheets)))
      panthr_stop("invalid_object", "the workbook has ", length(sheets), " sheet(s), not ", sheet)
    if (is.character(sheet) && !(sheet %in% sheets))
      panthr_stop("invalid_object", "the workbook has no sheet ", .panthr_q(sheet), " (it has ",
                  paste(.panthr_q(sheets), collapse = ", "), ")")
    readxl::read_excel(file, sheet = sheet, .name_repair = "minimal")
  },
  sav = function(file, o) haven::read_sav(file, user_na = TRUE, .name_repair = "minimal"),
  dta = function(file, o) haven::read_dta(file, .name_repair = "minimal")
)

# User-missing codes of a haven column: SPSS's na_values, and the values present within
# its na_range (a range cannot be listed, the codes that occur can).
.panthr_user_missing <- function(x) {
  codes <- attr(x, "na_values", exact = TRUE)
  r <- attr(x, "na_range", exact = TRUE)
  if (length(r) == 2L && is.numeric(x)) {
    v <- unclass(x)
    codes <- c(codes, v[!is.na(v) & v >= r[1L] & v <= r[2L]])
  }
  sort(unique(codes))
}

# One column as list(value, labels, missing): value a plain vector R can send (double,
# logical, POSIXct, factor); labels NULL or a named double (code -> label) for labelled
# numeric codes (every label, those of user-missing codes too); missing NULL or the
# user-missing codes (values kept, counted missing).
.panthr_read_column <- function(x) {
  out <- list(value = NULL, labels = NULL, missing = NULL)
  if (inherits(x, "haven_labelled")) {
    miss <- .panthr_user_missing(x)
    labs <- attr(x, "labels", exact = TRUE)
    if (is.null(labs)) labs <- numeric()
    base <- as.vector(unclass(x))
    if (is.numeric(base) && is.numeric(labs) && all(is.na(base) | base == round(base)) &&
        all(labs == round(labs))) {
      out$value <- as.double(base)
      out$value[is.na(out$value)] <- NA
      if (length(labs)) out$labels <- stats::setNames(as.double(labs), names(labs))
      if (length(miss)) out$missing <- as.double(miss)
      return(out)
    }
    # Text codes or fractional codes: the labels themselves become the values.
    x <- haven::as_factor(haven::zap_missing(x), levels = "default")
    x <- factor(as.character(x))
  }
  if (inherits(x, "Date")) x <- as.POSIXct(format(x), tz = "UTC")
  if (inherits(x, "POSIXct")) {
    out$value <- structure(as.double(x), class = c("POSIXct", "POSIXt"), tzone = "UTC")
  } else if (inherits(x, "difftime") || inherits(x, "hms")) {
    out$value <- as.double(x, units = "secs")
  } else if (is.factor(x)) {
    out$value <- x
  } else if (is.logical(x)) {
    out$value <- as.vector(x)
  } else if (is.numeric(x)) {
    out$value <- as.double(as.vector(unclass(x)))
    miss <- .panthr_user_missing(x)
    if (length(miss)) out$missing <- as.double(miss)
  } else {
    out$value <- factor(as.character(x))
  }
  # Stata's tagged missing values (.a to .z) carry a tag in their NA payload: made plain NA.
  if (is.double(out$value)) out$value[is.na(out$value)] <- NA
  out
}

#' Read a data file sent as bytes.
#' @param format character(1): "xlsx", "sav" or "dta".
#' @param bytes raw: the file's content.
#' @param options NULL or list(sheet = name or number, max_cells = number or NULL).
#' @return list(data = data.frame of plain columns (names as in the file), labels = list of
#'   NULL or named double per column, missing = list of NULL or double per column,
#'   varlabels = character (NA where a column has no label), warnings = the reader's
#'   warnings). Errors: invalid_object when
#'   the file cannot be read, too_large past max_cells.
panthr_read_file <- function(format, bytes, options = NULL) {
  reader <- if (is.character(format) && length(format) == 1L) .panthr_readers[[format]]
  if (is.null(reader)) panthr_stop("unknown_type", "unknown file format")
  if (!is.raw(bytes)) panthr_stop("invalid_object", "the file must be bytes")
  file <- tempfile("read-", tmpdir = .panthr_tmpdir(), fileext = paste0(".", format))
  on.exit(unlink(file, force = TRUE), add = TRUE)
  writeBin(bytes, file)
  read <- function() suppressMessages(reader(file, .panthr_or(options, list())))
  got <- tryCatch(panthr_collect_warnings(read()),
    panthr_error = function(e) stop(e),
    # The reader's message names the server's temporary file: "the file" says as much.
    error = function(e) panthr_stop("invalid_object", "the ", format, " file cannot be read: ",
                                    gsub(file, "the file", conditionMessage(e), fixed = TRUE)))
  d <- got$value
  max <- options$max_cells
  if (is.numeric(max) && length(max) == 1L && as.double(nrow(d)) * ncol(d) > max)
    panthr_stop("too_large", "the file has ", nrow(d), " rows x ", ncol(d), " variables = ",
                as.double(nrow(d)) * ncol(d), " values, over this server's limit of ", max)
  cols <- lapply(d, .panthr_read_column)
  varlabels <- vapply(d, function(x) {
    l <- attr(x, "label", exact = TRUE)
    if (is.character(l) && length(l) == 1L) l else NA_character_
  }, "")
  data <- structure(lapply(cols, `[[`, "value"), names = names(d), class = "data.frame",
                    row.names = .set_row_names(nrow(d)))
  list(data = data, labels = lapply(cols, `[[`, "labels"),
       missing = lapply(cols, `[[`, "missing"), varlabels = unname(varlabels),
       warnings = I(got$warnings))
}
