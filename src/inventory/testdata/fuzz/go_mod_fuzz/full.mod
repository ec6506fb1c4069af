module example.com/m

go 1.21

toolchain go1.22.1

require (
	github.com/a/b v1.2.3
	golang.org/x/net v0.5.6 // indirect
)

replace golang.org/x/net v0.5.6 => example.com/fork/net v0.6.0
replace github.com/a/b => ./local/b
