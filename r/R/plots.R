# The built-in graph kinds. Each is registered as fun(data, variables, o), draws on the
# device panthr_graph() opened (`o` holds main, xlab, ylab, xlim, ylim and style), and
# returns list(r_code = ...): the same drawing in plain R (plots-code.R).

# x and an optional group from variables [x, group?] (scatter: [x, y, group?]).
.panthr_xg <- function(data, variables, kind_x, with_y = FALSE) {
  n <- if (with_y) 2L else 1L
  .panthr_vars(data, variables, n, n + 1L)
  x <- panthr_column(data, variables[[1L]], kind_x)
  y <- if (with_y) panthr_column(data, variables[[2L]], "scalar") else NULL
  g <- if (length(variables) > n) panthr_column(data, variables[[n + 1L]], "nominal") else NULL
  list(x = x, y = y, g = if (is.null(g)) NULL else droplevels(g))
}

# Axis limits only when given: hist() and dotchart() refuse an explicit NULL.
.panthr_lims <- function(o, which = c("xlim", "ylim")) Filter(Negate(is.null), o[which])

# The groups' legend, titled with the group variable, drawn right of the plot (never over
# the data), in the room .panthr_legend_room made before the plot: boxes of color (`fill`) or
# points. `fill` is passed only when wanted: legend() draws boxes whenever it is given, NULL too.
.panthr_legend <- function(o, levels, title, fill = FALSE) {
  if (length(levels) < 2L) return(invisible())
  cols <- rep_len(o$style$colors, length(levels))
  keys <- if (fill) list(fill = cols) else list(col = cols, pch = o$style$pch)
  do.call(graphics::legend, c(list("topleft", inset = c(1.01, 0), xpd = NA, legend = levels,
                                   title = title, bty = "n", cex = 0.9), keys))
}

# Widens the right margin, before the plot is drawn, by the width of the legend of `levels`
# titled `title` (its longest text, and the key beside it).
.panthr_legend_room <- function(levels, title) {
  if (length(levels) < 2L) return(invisible())
  w <- max(graphics::strwidth(c(levels, title), units = "inches", cex = 0.9))
  graphics::par(mar = graphics::par("mar") + c(0, 0, 0, (w + 0.35) / graphics::par("csi")))
}

.panthr_hist <- function(data, variables, o) {
  v <- .panthr_xg(data, variables, "scalar")
  has_na <- anyNA(v$x)
  x <- if (has_na) v$x[!is.na(v$x)] else v$x  # no copy when nothing is missing
  if (!length(x)) panthr_stop("invalid_object", "no values to draw")
  st <- o$style
  # One pass over the data: the histogram is computed once and drawn as hist() draws it.
  whole <- graphics::hist(x, plot = FALSE)
  breaks <- whole$breaks
  xlab <- .panthr_or(o$xlab, variables[[1L]])
  if (is.null(v$g)) {
    panthr_do_call(graphics::plot, c(list(whole, col = st$fill, border = st$border,
                                          main = o$main, xlab = xlab,
                                          ylab = .panthr_or(o$ylab, "Frequency")),
                                     .panthr_lims(o)))
    return(invisible(list(r_code = .panthr_hist_code(data, variables, o, FALSE))))
  }
  g <- if (has_na) v$g[!is.na(v$x)] else v$g
  parts <- lapply(levels(g), function(l) graphics::hist(x[!is.na(g) & g == l], breaks = breaks,
                                                        plot = FALSE))
  top <- max(vapply(parts, function(h) max(h$counts), 0))
  cols <- rep_len(st$colors, length(parts))
  .panthr_legend_room(levels(g), variables[[2L]])
  graphics::plot(NULL, xlim = .panthr_or(o$xlim, range(breaks)), ylim = .panthr_or(o$ylim, c(0, top)),
                 main = o$main, xlab = xlab, ylab = .panthr_or(o$ylab, "Frequency"))
  for (i in seq_along(parts)) graphics::plot(parts[[i]], add = TRUE, border = st$border,
                                             col = grDevices::adjustcolor(cols[[i]], 0.5))
  .panthr_legend(o, levels(g), variables[[2L]], fill = TRUE)
  invisible(list(r_code = .panthr_hist_code(data, variables, o, TRUE)))
}

.panthr_box <- function(data, variables, o) {
  v <- .panthr_xg(data, variables, "scalar")
  groups <- if (is.null(v$g)) list(v$x) else split(v$x, v$g)
  names(groups) <- if (is.null(v$g)) "" else levels(v$g)
  st <- o$style
  graphics::boxplot(groups, col = if (is.null(v$g)) st$fill else rep_len(st$colors, length(groups)),
                    border = st$border, main = o$main, pch = st$pch, cex = st$cex,
                    xlab = .panthr_or(o$xlab, if (is.null(v$g)) "" else variables[[2L]]),
                    ylab = .panthr_or(o$ylab, variables[[1L]]), ylim = o$ylim)
  invisible(list(r_code = .panthr_box_code(data, variables, o, !is.null(v$g))))
}

.panthr_scatter <- function(data, variables, o) {
  v <- .panthr_xg(data, variables, "scalar", with_y = TRUE)
  st <- o$style
  col <- if (is.null(v$g)) st$colors[[1L]] else rep_len(st$colors, nlevels(v$g))[as.integer(v$g)]
  if (!is.null(v$g)) .panthr_legend_room(levels(v$g), variables[[3L]])
  graphics::plot(v$x, v$y, col = col, pch = st$pch, cex = st$cex, main = o$main,
                 xlab = .panthr_or(o$xlab, variables[[1L]]), ylab = .panthr_or(o$ylab, variables[[2L]]),
                 xlim = o$xlim, ylim = o$ylim)
  if (!is.null(v$g)) .panthr_legend(o, levels(v$g), variables[[3L]])
  invisible(list(r_code = .panthr_scatter_code(data, variables, o, !is.null(v$g))))
}

.panthr_bar <- function(data, variables, o) {
  v <- .panthr_xg(data, variables, "nominal")
  st <- o$style
  if (is.null(v$g)) {
    counts <- table(v$x)
    fill <- st$fill
  } else {
    counts <- table(v$g, v$x)
    fill <- rep_len(st$colors, nrow(counts))
  }
  if (!is.null(v$g)) .panthr_legend_room(levels(v$g), variables[[2L]])
  graphics::barplot(counts, beside = !is.null(v$g), col = fill, border = st$border,
                    space = if (is.null(v$g)) st$space else c(0, 1 + st$space),
                    main = o$main, xlab = .panthr_or(o$xlab, variables[[1L]]),
                    ylab = .panthr_or(o$ylab, "Count"), ylim = o$ylim)
  if (!is.null(v$g)) .panthr_legend(o, levels(v$g), variables[[2L]], fill = TRUE)
  invisible(list(r_code = .panthr_bar_code(data, variables, o, !is.null(v$g))))
}

.panthr_dot <- function(data, variables, o) {
  v <- .panthr_xg(data, variables, "any")
  st <- o$style
  if (is.factor(v$x) || is.character(v$x) || is.logical(v$x)) {
    x <- panthr_column(data, variables[[1L]], "nominal")
    counts <- if (is.null(v$g)) {
      tab <- table(x)
      structure(as.vector(tab), names = names(tab))  # dotchart wants a vector or a matrix
    } else unclass(table(x, v$g))
    panthr_do_call(graphics::dotchart, c(list(counts, pch = st$pch, pt.cex = st$cex, main = o$main,
                                       xlab = .panthr_or(o$xlab, "Count"),
                                       color = graphics::par("fg"), gcolor = graphics::par("fg")),
                                  .panthr_lims(o, "xlim")))
    return(invisible(list(r_code = .panthr_dot_code(data, variables, o, !is.null(v$g)))))
  }
  x <- panthr_column(data, variables[[1L]], "scalar")
  groups <- if (is.null(v$g)) list(x) else split(x, v$g)
  graphics::stripchart(groups, method = "stack", pch = st$pch, cex = st$cex,
                       col = rep_len(st$colors, length(groups)), main = o$main,
                       group.names = if (is.null(v$g)) "" else levels(v$g),
                       xlab = .panthr_or(o$xlab, variables[[1L]]), xlim = o$xlim)
  invisible(list(r_code = .panthr_dot_code(data, variables, o, !is.null(v$g))))
}

# The normal Q-Q plot: each group's sorted values against the normal quantiles (qqnorm),
# with qqline's reference line through the quartiles, colored from the palette.
.panthr_quantile <- function(data, variables, o) {
  v <- .panthr_xg(data, variables, "scalar")
  groups <- if (is.null(v$g)) list(v$x) else split(v$x, v$g)
  groups <- lapply(groups, function(x) if (anyNA(x)) x[!is.na(x)] else x)
  groups <- groups[lengths(groups) > 0L]
  if (!length(groups)) panthr_stop("invalid_object", "no values to draw")
  st <- o$style
  cols <- rep_len(st$colors, length(groups))
  qq <- lapply(groups, stats::qqnorm, plot.it = FALSE)
  if (!is.null(v$g)) .panthr_legend_room(names(groups), variables[[2L]])
  graphics::plot(unlist(lapply(qq, `[[`, "x")), unlist(lapply(qq, `[[`, "y")), type = "n",
                 main = .panthr_or(o$main, "Normal Q-Q plot"),
                 xlab = .panthr_or(o$xlab, "Theoretical normal quantiles"),
                 ylab = .panthr_or(o$ylab, variables[[1L]]), xlim = o$xlim, ylim = o$ylim)
  for (i in seq_along(groups)) {
    graphics::points(qq[[i]], col = cols[[i]], pch = st$pch, cex = st$cex)
    stats::qqline(groups[[i]], col = cols[[i]], lwd = st$lwd, lty = st$lty)
  }
  if (!is.null(v$g)) .panthr_legend(o, names(groups), variables[[2L]])
  invisible(list(r_code = .panthr_quantile_code(data, variables, o, !is.null(v$g))))
}

panthr_register("graph", "hist", .panthr_hist)
panthr_register("graph", "box", .panthr_box)
panthr_register("graph", "scatter", .panthr_scatter)
panthr_register("graph", "bar", .panthr_bar)
panthr_register("graph", "dot", .panthr_dot)
panthr_register("graph", "quantile", .panthr_quantile)
