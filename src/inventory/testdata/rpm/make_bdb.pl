#!/usr/bin/perl
# SPDX-License-Identifier: Apache-2.0
# Copyright The assay Authors
#
# make_bdb.pl OUT LORDER BSIZE BLOB...
# Writes a real Berkeley DB hash file (through perl's DB_File, i.e. libdb5.3) laid out like an
# old rpm `Packages` database: key = the header instance number as a 4-byte integer in the file's
# byte order (LORDER 1234 = little-endian, 4321 = big-endian), value = the header blob; key 0
# holds the next free instance number, as rpm's bdb backend kept it. BLOBs are numbered from 1 in
# the order given.
use strict;
use warnings;
use DB_File;
use Fcntl;

my ($out, $lorder, $bsize, @blobs) = @ARGV;
die "usage: make_bdb.pl OUT LORDER BSIZE BLOB...\n" unless defined $bsize && @blobs;
unlink $out;
my $info = DB_File::HASHINFO->new();
$info->{lorder} = $lorder;
$info->{bsize} = $bsize;
my %h;
tie %h, 'DB_File', $out, O_RDWR | O_CREAT, 0644, $info or die "tie $out: $!";
my $fmt = $lorder == 4321 ? 'N' : 'V';
my $i = 0;
for my $f (@blobs) {
  $i++;
  open(my $fh, '<:raw', $f) or die "$f: $!";
  local $/;
  my $b = <$fh>;
  close $fh;
  $h{pack($fmt, $i)} = $b;
}
$h{pack($fmt, 0)} = pack($fmt, $i + 1);
untie %h;
