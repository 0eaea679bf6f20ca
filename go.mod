module github.com/meerkat-temporal/meerkat

go 1.26.8
