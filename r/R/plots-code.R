# r_code of the built-in graphs (rcode.R): the base graphics calls that draw the same graph
# from the data frame the context names, on whatever device the analyst has open. Titles,
# axis labels and limits, colors, symbols and sizes are the server's; every value is written
# by panthr_code_value (deparse), every name by panthr_code_name.

# `name = value` pairs as code, for the arguments that are not NULL.
.panthr_code_named <- function(args) {
  args <- Filter(Negate(is.null), args)
  if (!length(args)) return(character())
  paste(names(args), vapply(args, panthr_code_value, ""), sep = " = ")
}

# A call as code: fn(first..., name = value...).
.panthr_code_call <- function(fn, first, args = list()) {
  paste0(fn, "(", paste(c(first, .panthr_code_named(args)), collapse = ", "), ")")
}

# The group column as the graphs use it: levels without rows dropped (a logical column as a
# factor first, as the graphs read it).
.panthr_code_group <- function(data, name) paste0("droplevels(", .panthr_code_nominal(data, name), ")")

# The labels and limits every kind takes, with the kind's default labels.
.panthr_code_labels <- function(o, xlab, ylab, lims = c("xlim", "ylim")) {
  c(list(main = .panthr_or(o$main, ""), xlab = .panthr_or(o$xlab, xlab),
         ylab = .panthr_or(o$ylab, ylab)), o[lims])
}

# The room for the groups' legend right of the plot, as the graphs make it (before the plot,
# when `cond` holds): the right margin widened by the legend's width, the old one in `op`.
.panthr_code_room <- function(cond, levels_code, title) {
  paste0("if (", cond, ") op <- par(mar = par(\"mar\") + c(0, 0, 0, (max(strwidth(c(",
         levels_code, ", ", panthr_code_value(title),
         "), \"inches\", cex = 0.9)) + 0.35) / par(\"csi\")))")
}

# A legend of the groups, as the graphs draw it right of the plot (when `cond` holds), then
# the margin as it was: `cols` holds the groups' colors.
.panthr_code_legend <- function(cond, levels_code, o, title, fill = FALSE) {
  args <- c(list(title = title), if (fill) list(bty = "n") else list(pch = o$style$pch, bty = "n"),
            list(cex = 0.9))
  call <- .panthr_code_call("legend", c("\"topleft\"", "inset = c(1.01, 0)", "xpd = NA",
                                        paste0("legend = ", levels_code),
                                        if (fill) "fill = cols" else "col = cols"), args)
  paste0("if (", cond, ") {\n  ", call, "\n  par(op)\n}")
}

.panthr_hist_code <- function(data, variables, o, grouped) {
  st <- o$style
  x <- panthr_code_column(variables[[1L]])
  lab <- .panthr_code_labels(o, variables[[1L]], "Frequency", lims = character())
  if (!grouped) {
    args <- c(lab, o[c("xlim", "ylim")], list(col = st$fill, border = st$border))
    return(panthr_r_code(.panthr_code_call("hist", x, args)))
  }
  # The groups' histograms on the breaks of all values, overlaid half-transparent.
  xlim <- if (is.null(o$xlim)) "xlim = range(breaks)" else paste0("xlim = ", panthr_code_value(o$xlim))
  ylim <- if (is.null(o$ylim)) "ylim = c(0, max(sapply(parts, function(h) max(h$counts))))" else
    paste0("ylim = ", panthr_code_value(o$ylim))
  panthr_r_code(
    paste0("breaks <- hist(", x, ", plot = FALSE)$breaks"),
    paste0("parts <- lapply(split(", x, ", ", .panthr_code_group(data, variables[[2L]]),
           "), hist, breaks = breaks, plot = FALSE)"),
    paste0("cols <- rep_len(", panthr_code_value(st$colors), ", length(parts))"),
    .panthr_code_room("length(parts) > 1", "names(parts)", variables[[2L]]),
    .panthr_code_call("plot", c("NULL", xlim, ylim), lab),
    paste0("for (i in seq_along(parts)) plot(parts[[i]], add = TRUE, border = ",
           panthr_code_value(st$border), ", col = adjustcolor(cols[[i]], 0.5))"),
    .panthr_code_legend("length(parts) > 1", "names(parts)", o, variables[[2L]], fill = TRUE))
}

.panthr_box_code <- function(data, variables, o, grouped) {
  st <- o$style
  y <- variables[[1L]]
  args <- c(list(main = .panthr_or(o$main, ""), xlab = .panthr_or(o$xlab, if (grouped) variables[[2L]] else ""),
                 ylab = .panthr_or(o$ylab, y), ylim = o$ylim, border = st$border, pch = st$pch, cex = st$cex))
  if (!grouped)
    return(panthr_r_code(.panthr_code_call("boxplot", panthr_code_column(y), c(list(col = st$fill), args))))
  f <- paste0(panthr_code_name(y), " ~ ", panthr_code_name(variables[[2L]]))
  panthr_r_code(.panthr_code_call("boxplot", c(f, paste0("data = ", panthr_code_data()), "drop = TRUE",
                                                 paste0("col = rep_len(", panthr_code_value(st$colors),
                                                        ", nlevels(", .panthr_code_group(data, variables[[2L]]), "))")),
                                  args))
}

.panthr_scatter_code <- function(data, variables, o, grouped) {
  st <- o$style
  xy <- vapply(variables[1:2], panthr_code_column, "")
  args <- c(.panthr_code_labels(o, variables[[1L]], variables[[2L]]), list(pch = st$pch, cex = st$cex))
  if (!grouped) return(panthr_r_code(.panthr_code_call("plot", xy, c(list(col = st$colors[[1L]]), args))))
  g <- .panthr_code_group(data, variables[[3L]])
  cond <- paste0("nlevels(", g, ") > 1")
  panthr_r_code(paste0("cols <- rep_len(", panthr_code_value(st$colors), ", nlevels(", g, "))"),
                .panthr_code_room(cond, paste0("levels(", g, ")"), variables[[3L]]),
                .panthr_code_call("plot", c(xy, paste0("col = cols[", g, "]")), args),
                .panthr_code_legend(cond, paste0("levels(", g, ")"), o, variables[[3L]]))
}

.panthr_bar_code <- function(data, variables, o, grouped) {
  st <- o$style
  x <- .panthr_code_nominal(data, variables[[1L]])
  args <- c(list(main = .panthr_or(o$main, ""), xlab = .panthr_or(o$xlab, variables[[1L]]),
                 ylab = .panthr_or(o$ylab, "Count"), ylim = o$ylim, border = st$border))
  if (!grouped) {
    return(panthr_r_code(.panthr_code_call("barplot", paste0("table(", x, ")"),
                                           c(list(col = st$fill, space = st$space), args))))
  }
  g <- .panthr_code_group(data, variables[[2L]])
  panthr_r_code(
    paste0("counts <- table(", g, ", ", x, ")"),
    paste0("cols <- rep_len(", panthr_code_value(st$colors), ", nrow(counts))"),
    .panthr_code_room("nrow(counts) > 1", "rownames(counts)", variables[[2L]]),
    .panthr_code_call("barplot", c("counts", "beside = TRUE", "col = cols"),
                      c(list(space = c(0, 1 + st$space)), args)),
    .panthr_code_legend("nrow(counts) > 1", "rownames(counts)", o, variables[[2L]], fill = TRUE))
}

.panthr_dot_code <- function(data, variables, o, grouped) {
  st <- o$style
  col <- data[[variables[[1L]]]]
  g <- if (grouped) .panthr_code_group(data, variables[[2L]])
  if (is.factor(col) || is.character(col) || is.logical(col)) {
    x <- .panthr_code_nominal(data, variables[[1L]])
    counts <- if (grouped) paste0("counts <- unclass(table(", x, ", ", g, "))") else
      c(paste0("counts <- table(", x, ")"), "counts <- setNames(as.vector(counts), names(counts))")
    args <- c(list(pch = st$pch, pt.cex = st$cex, main = .panthr_or(o$main, ""),
                   xlab = .panthr_or(o$xlab, "Count")), o["xlim"])
    return(panthr_r_code(counts, .panthr_code_call("dotchart", "counts", args)))
  }
  x <- panthr_code_column(variables[[1L]])
  groups <- if (grouped) paste0("split(", x, ", ", g, ")") else x
  cols <- if (grouped) paste0("col = rep_len(", panthr_code_value(st$colors), ", nlevels(", g, "))") else
    paste0("col = ", panthr_code_value(st$colors[[1L]]))
  args <- c(list(method = "stack", pch = st$pch, cex = st$cex, main = .panthr_or(o$main, ""),
                 xlab = .panthr_or(o$xlab, variables[[1L]])), o["xlim"])
  panthr_r_code(.panthr_code_call("stripchart", c(groups, cols), args))
}

# The normal Q-Q plot: qqnorm's points and qqline's reference line (through the quartiles).
.panthr_quantile_code <- function(data, variables, o, grouped) {
  st <- o$style
  x <- panthr_code_column(variables[[1L]])
  lab <- .panthr_code_labels(o, "Theoretical normal quantiles", variables[[1L]], lims = character())
  lab$main <- .panthr_or(o$main, "Normal Q-Q plot")
  line <- list(lwd = st$lwd, lty = st$lty)
  if (!grouped) {
    return(panthr_r_code(
      .panthr_code_call("qqnorm", x, c(lab, o[c("xlim", "ylim")], list(col = st$colors[[1L]], pch = st$pch, cex = st$cex))),
      .panthr_code_call("qqline", x, c(list(col = st$colors[[1L]]), line))))
  }
  panthr_r_code(
    paste0("groups <- lapply(split(", x, ", ", .panthr_code_group(data, variables[[2L]]), "), na.omit)"),
    "groups <- groups[lengths(groups) > 0]",
    "qq <- lapply(groups, qqnorm, plot.it = FALSE)",
    paste0("cols <- rep_len(", panthr_code_value(st$colors), ", length(groups))"),
    .panthr_code_room("length(groups) > 1", "names(groups)", variables[[2L]]),
    .panthr_code_call("plot", c("unlist(lapply(qq, `[[`, \"x\"))", "unlist(lapply(qq, `[[`, \"y\"))",
                                "type = \"n\""), c(lab, o[c("xlim", "ylim")])),
    "for (i in seq_along(groups)) {",
    paste0("  ", .panthr_code_call("points", c("qq[[i]]", "col = cols[[i]]"),
                                   list(pch = st$pch, cex = st$cex))),
    paste0("  ", .panthr_code_call("qqline", c("groups[[i]]", "col = cols[[i]]"), line)),
    "}",
    .panthr_code_legend("length(groups) > 1", "names(groups)", o, variables[[2L]]))
}
