# Graphs: the dispatcher opens a device (svglite, cairo PNG or cairo PDF) on a private temp
# file, applies the graph settings, lets the registered kind draw, closes the device (also
# on failure), reads the file back and removes it. SVG is checked against a whitelist of
# plain SVG elements and attributes before it leaves R.

.panthr_default_colors <- c("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE",
                            "#AA3377", "#BBBBBB")
.panthr_symbols <- c(square = 0L, circle = 1L, triangle = 2L, plus = 3L, cross = 4L,
                     diamond = 5L, "filled-square" = 15L, "filled-circle" = 16L,
                     "filled-triangle" = 17L, "filled-diamond" = 18L, dot = 20L)
.panthr_line_styles <- c("solid", "dashed", "dotted", "dotdash", "longdash", "twodash")
.panthr_mimes <- c(svg = "image/svg+xml", png = "image/png", pdf = "application/pdf")

# One color string, checked by R's own color parser (a string, never code). #rgb, which
# R does not read, is widened to #rrggbb (the converters accept it).
.panthr_color <- function(x, what) {
  if (is.character(x) && length(x) == 1L && !is.na(x) && grepl("^#[0-9A-Fa-f]{3}$", x))
    x <- paste0("#", paste(rep(strsplit(substring(x, 2L), "")[[1L]], each = 2L), collapse = ""))
  ok <- is.character(x) && length(x) == 1L && !is.na(x) && nchar(x) <= 64L &&
    !inherits(try(grDevices::col2rgb(x), silent = TRUE), "try-error")
  if (!ok) panthr_stop("invalid_object", what, " must be a color name or #RRGGBB[AA]")
  x
}

.panthr_num_in <- function(x, lo, hi, what) {
  if (!is.numeric(x) || length(x) != 1L || !is.finite(x) || x < lo || x > hi)
    panthr_stop("invalid_object", what, " must be a number from ", lo, " to ", hi)
  as.double(x)
}

#' The drawing style from a preference set's graph settings.
#' @param settings NULL or a named list: colors (character vector, the palette), point
#'   {size (cex, 0.1-10), symbol (0-25 or "circle", "square", "triangle", "diamond",
#'   "plus", "cross", "dot", "filled-circle", "filled-square", "filled-triangle",
#'   "filled-diamond")}, line {width (lwd, 0.1-20), style ("solid", "dashed", "dotted",
#'   "dotdash", "longdash", "twodash")}, text {size (relative to R's default 12 pt,
#'   0.1-10), family ("sans", "serif", "mono" or a font name of letters, digits, spaces,
#'   - and _)}, "background-color" (a color), bar {fill, border (colors), width (share of
#'   each bar's slot, 0.05-1)}. Colors: R color names, #rgb, #rrggbb, #rrggbbaa. Other keys
#'   are ignored (a preference set holds more); converters/schema/graph-settings.schema.ts
#'   is the strict client-facing schema.
#' @return list(colors, pch, cex, lwd, lty, ps (device pointsize), family, bg, fill,
#'   border, space (barplot's gap as a share of a bar's width)).
panthr_graph_style <- function(settings = NULL) {
  s <- if (is.list(settings)) settings else list()
  colors <- s$colors
  colors <- if (is.null(colors)) .panthr_default_colors else
    vapply(as.list(colors), .panthr_color, "", what = "a color in colors")
  if (length(colors) == 0L) colors <- .panthr_default_colors
  pch <- s$point$symbol
  pch <- if (is.null(pch)) 1L else if (is.character(pch) && length(pch) == 1L &&
                                        pch %in% names(.panthr_symbols)) .panthr_symbols[[pch]]
         else as.integer(.panthr_num_in(pch, 0, 25, "point.symbol"))
  lty <- s$line$style
  if (!is.null(lty) && !(is.character(lty) && length(lty) == 1L && lty %in% .panthr_line_styles))
    panthr_stop("invalid_object", "line.style must be one of ",
                paste(.panthr_line_styles, collapse = ", "))
  family <- s$text$family
  if (!is.null(family) && !(is.character(family) && length(family) == 1L && !is.na(family) &&
                            grepl("^[A-Za-z0-9 _-]{1,64}$", family)))
    panthr_stop("invalid_object", "text.family must be a font name (letters, digits, spaces)")
  num <- function(v, lo, hi, what, default) if (is.null(v)) default else .panthr_num_in(v, lo, hi, what)
  col <- function(v, what, default) if (is.null(v)) default else .panthr_color(v, what)
  bar_width <- num(s$bar$width, 0.05, 1, "bar.width", 1 / 1.2)  # R's default gap 0.2
  list(colors = colors, pch = pch,
       cex = num(s$point$size, 0.1, 10, "point.size", 1),
       lwd = num(s$line$width, 0.1, 20, "line.width", 1),
       lty = .panthr_or(lty, "solid"),
       ps = 12 * num(s$text$size, 0.1, 10, "text.size", 1),
       family = .panthr_or(family, "sans"),
       bg = col(s[["background-color"]], "background-color", "white"),
       fill = col(s$bar$fill, "bar.fill", colors[[1L]]),
       border = col(s$bar$border, "bar.border", "black"),
       space = (1 - bar_width) / bar_width)
}

.panthr_text <- function(x, what) {
  if (is.null(x)) return(NULL)
  if (!is.character(x) || length(x) != 1L) panthr_stop("invalid_object", what, " must be a string")
  if (is.na(x)) NULL else x
}

.panthr_limits <- function(x, what) {
  if (is.null(x)) return(NULL)
  if (!is.numeric(x) || length(x) != 2L || !all(is.finite(x)) || x[[1L]] == x[[2L]])
    panthr_stop("invalid_object", what, " must be two different finite numbers")
  as.double(x)
}

# Checked graph options; main/xlab/ylab/xlim/ylim are ready for R's plot functions.
.panthr_graph_options <- function(options) {
  .panthr_known_options(options, c("format", "width", "height", "scale", "label", "xaxis",
                                   "yaxis", "settings", "options"))
  o <- options
  list(format = panthr_option(o, "format", "svg", "choice", names(.panthr_mimes)),
       width = .panthr_num_in(.panthr_or(o$width, 640), 16, 8000, "width"),
       height = .panthr_num_in(.panthr_or(o$height, 480), 16, 8000, "height"),
       scale = .panthr_num_in(.panthr_or(o$scale, 1), 0.25, 4, "scale"),
       main = .panthr_text(o$label, "label"),
       xlab = .panthr_text(o$xaxis$label, "xaxis.label"),
       ylab = .panthr_text(o$yaxis$label, "yaxis.label"),
       xlim = .panthr_limits(o$xaxis$limits, "xaxis.limits"),
       ylim = .panthr_limits(o$yaxis$limits, "yaxis.limits"),
       style = panthr_graph_style(o$settings),
       options = if (is.list(o$options)) o$options else list())
}

# A per-session directory for graph files: the Rserve sessions share one tempdir().
.panthr_tmpdir <- function() {
  dir <- getOption("panthr.tmpdir")
  mine <- paste0("panthr-", Sys.getpid())  # a forked session inherits its parent's option
  if (is.null(dir) || basename(dir) != mine || !dir.exists(dir)) {
    dir <- file.path(tempdir(check = TRUE), mine)
    dir.create(dir, showWarnings = FALSE, mode = "0700")
    options(panthr.tmpdir = dir)
  }
  dir
}

.panthr_open_device <- function(o, file) {
  w <- o$width; h <- o$height; st <- o$style
  switch(o$format,
    svg = svglite::svglite(file, width = w / 72, height = h / 72, bg = st$bg,
                           pointsize = st$ps),
    png = grDevices::png(file, width = round(w * o$scale), height = round(h * o$scale),
                         res = 72 * o$scale, type = "cairo", bg = st$bg, pointsize = st$ps),
    pdf = grDevices::cairo_pdf(file, width = w / 72, height = h / 72, bg = st$bg,
                               pointsize = st$ps))
  graphics::par(family = st$family, pch = st$pch, lwd = st$lwd, lty = st$lty, bg = st$bg)
  .panthr_fit_margins()
  grDevices::dev.cur()
}

# R's margins (5.1 + 4.1 lines down, 4.1 + 2.1 across, at 0.2 inch a line for 12 points)
# leave no plot region on a small device ("figure margins too large" below about 200 x 150
# pixels, or larger text): when they would take more than three quarters of a side, they
# shrink, with the text, to that.
.panthr_fit_margins <- function() {
  din <- graphics::par("din")
  mar <- graphics::par("mar")
  line <- graphics::par("csi")
  k <- min(1, 0.75 * din[[2L]] / (line * (mar[[1L]] + mar[[3L]])),
           0.75 * din[[1L]] / (line * (mar[[2L]] + mar[[4L]])))
  if (k < 1) graphics::par(mar = mar * k, cex = max(k, 0.3))
}

# A scatter of more than this many points is drawn as PNG unless the request names a format:
# its SVG holds an element per point (200,000 points: 18 MB and 3.9 s to draw).
.panthr_png_above <- 50000L

.panthr_many_points <- function(kind, d, variables) {
  if (!identical(kind, "scatter") || !is.character(variables) || length(variables) < 2L)
    return(FALSE)
  x <- d[[variables[[1L]]]]
  y <- d[[variables[[2L]]]]
  !is.null(x) && !is.null(y) && sum(!is.na(x) & !is.na(y)) > .panthr_png_above
}

#' Draw a graph and return the file's contents.
#' @param kind character(1): a registered graph ("hist", "box", "scatter", "bar", "dot",
#'   "quantile", ...). @param data data.frame. @param variables character: [x, group?] for
#'   hist, box, bar, dot, quantile; [x, y, group?] for scatter.
#' @param options NULL or named list: format ("svg" | "png" | "pdf"; default svg, png for a
#'   scatter of more than 50,000 points), width, height (pixels,
#'   16-8000, default 640x480), scale (PNG pixel density, 0.25-4, default 1), label (title),
#'   xaxis / yaxis {label, limits = c(lo, hi)}, settings (see panthr_graph_style), options
#'   (a named list passed to an extension kind as o$options).
#' @param rows NULL or logical(nrow(data)): the filter.
#' @param code NULL or list(data = character(1), setup = character): the r_code context
#'   (rcode.R). A kind that returns list(r_code = character(1)) from its drawing function
#'   gives the result its r_code.
#' @return list(format, mime, data, warnings, r_code?): data is the SVG text (character) or
#'   the PNG/PDF bytes (raw, base64 in JSON).
panthr_graph <- function(kind, data, variables, options = NULL, rows = NULL, code = NULL) {
  fun <- .panthr_lookup("graph", kind)
  d <- panthr_filter_rows(data, rows)
  o <- .panthr_graph_options(.panthr_or(options, list()))
  if (is.null(options$format) && .panthr_many_points(kind, d, variables)) o$format <- "png"
  file <- tempfile("graph-", tmpdir = .panthr_tmpdir(), fileext = paste0(".", o$format))
  old_palette <- grDevices::palette()
  old_code <- .panthr_code_enter(code)
  dev <- NULL
  drawn <- NULL
  on.exit({
    if (!is.null(dev) && dev %in% grDevices::dev.list()) grDevices::dev.off(dev)
    grDevices::palette(old_palette)
    unlink(file)
    .panthr_code_leave(old_code)
  })
  got <- panthr_collect_warnings({
    dev <- .panthr_open_device(o, file)
    # palette() takes one string for a palette's name and wants two colours: repeat one.
    cols <- o$style$colors
    grDevices::palette(if (length(cols) == 1L) rep(cols, 2L) else cols)
    drawn <- fun(d, variables, o)
    grDevices::dev.off(dev)
  })
  dev <- NULL
  size <- file.info(file)$size
  if (is.na(size)) panthr_stop("r_error", "the graph device wrote no file")
  bytes <- readBin(file, "raw", n = size)
  out <- if (o$format == "svg") .panthr_svg_check(.panthr_svg_px(rawToChar(bytes))) else bytes
  if (o$format == "svg") Encoding(out) <- "UTF-8"
  r_code <- if (is.list(drawn) && is.character(drawn$r_code) && length(drawn$r_code) == 1L)
    drawn$r_code
  c(list(format = o$format, mime = .panthr_mimes[[o$format]], data = out,
         warnings = I(got$warnings)), if (!is.null(r_code)) list(r_code = r_code))
}

# svglite sizes the root in pt; the request's size is in pixels and the viewBox already
# uses the same numbers, so only the unit changes.
.panthr_svg_px <- function(svg) {
  sub("(<svg [^>]*?width=')([0-9.]+)pt(' height=')([0-9.]+)pt'", "\\1\\2px\\3\\4px'", svg)
}
